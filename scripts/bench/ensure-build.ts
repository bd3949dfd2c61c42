import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildWorker } from '../build-worker.ts';
import { buildOutputs } from '../local-stack/app-commands.ts';

// What `npm run build` compiles: a build older than any of these would measure other code.
const sources = ['app', 'lib', 'worker', 'public', 'instrumentation.ts', 'next.config.mjs', 'package-lock.json'];

/** Runs `npm run build`'s two steps unless both outputs are newer than every source file. */
export async function ensureBuild(root: string): Promise<'reused' | 'built'> {
  const builtAt = await Promise.all(buildOutputs(root).map((output) => modifiedAt(path.join(root, output))));
  const newest = await newestSource(root);
  if (builtAt.every((time) => time !== undefined && newest < time)) return 'reused';
  await promisify(execFile)(process.execPath, [path.join(root, 'node_modules/.bin/next'), 'build'], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  await buildWorker(root);
  return 'built';
}

async function newestSource(root: string): Promise<number> {
  let newest = 0;
  for (const source of sources) {
    const top = path.join(root, source);
    const entries = await readdir(top, { recursive: true, withFileTypes: true }).catch(() => undefined);
    const files = entries
      ? entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
      : [top];
    for (const file of files) newest = Math.max(newest, (await modifiedAt(file)) ?? 0);
  }
  return newest;
}

function modifiedAt(file: string): Promise<number | undefined> {
  return stat(file).then(
    (stats) => stats.mtimeMs,
    () => undefined,
  );
}
