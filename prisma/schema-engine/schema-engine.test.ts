// The real Prisma CLI, driving this engine, against a real PostgreSQL of the test's own.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../scripts/local-stack/embedded-database.ts';
import { findFreePort } from '../../scripts/local-stack/ports.ts';

const root = path.resolve(import.meta.dirname, '../..');
const prismaCli = path.join(root, 'node_modules/prisma/build/index.js');

type Run = { code: number; stdout: string; stderr: string };

/** Runs the Prisma CLI; with the repository's prisma.config.ts unless `cwd` has its own. */
function prisma(args: string[], databaseUrl: string, options: { cwd?: string; env?: Record<string, string> } = {}) {
  return new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [prismaCli, ...args],
      { cwd: options.cwd ?? root, env: { ...process.env, ...options.env, DATABASE_URL: databaseUrl } },
      (error, stdout, stderr) => {
        resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      },
    );
  });
}

function diffFromMigrations(schemaPath: string): string[] {
  return ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', schemaPath, '--exit-code'];
}

async function query(url: string, sql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>(sql)).rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('prisma/schema-engine with the Prisma CLI', () => {
  let dir: string;
  let database: EmbeddedDatabase;
  let driftedSchema: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'schema-engine-test-'));
    database = await startEmbeddedDatabase({
      // A directory of its own: as root, PostgreSQL runs as another user, who cannot enter `dir`.
      dataDir: await mkdtemp(path.join(tmpdir(), 'schema-engine-test-pg-')),
      port: await findFreePort(),
      persistent: false,
    });
    const schema = await readFile(path.join(root, 'prisma/schema.prisma'), 'utf8');
    driftedSchema = schema.replace(/^( +name +String\?)$/m, '$1\n  nickname String?');
    expect(driftedSchema).not.toBe(schema);
  });

  afterAll(async () => {
    await database?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('migrate deploy creates a fresh database and applies the committed migrations', async () => {
    const url = database.urlFor('deployed');

    const run = await prisma(['migrate', 'deploy'], url);

    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PostgreSQL database deployed created');
    expect(run.stdout).toContain('All migrations have been successfully applied.');
    const tables = await query(url, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
    expect(tables).toEqual(expect.arrayContaining(['users', 'tokens', '_prisma_migrations']));
  });

  test('migrate status reports the database up to date', async () => {
    const run = await prisma(['migrate', 'status'], database.urlFor('deployed'));

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Database schema is up to date!');
  });

  test('migrate diff --exit-code returns 0 when the migrations produce the schema', async () => {
    const run = await prisma(diffFromMigrations('prisma/schema.prisma'), database.urlFor('postgres'));

    expect(run.stdout).toContain('No difference detected.');
    expect(run.code).toBe(0);
  });

  test('migrate diff --exit-code returns 2 and shows the change when the schema has drifted', async () => {
    const schemaPath = path.join(dir, 'drifted.prisma');
    await writeFile(schemaPath, driftedSchema);

    const run = await prisma(diffFromMigrations(schemaPath), database.urlFor('postgres'));

    expect(run.stdout).toContain('Added column `nickname`');
    expect(run.code).toBe(2);
  });

  test('migrate dev creates and applies a migration in a copy of the prisma folder', async () => {
    const workspace = path.join(dir, 'workspace');
    await mkdir(path.join(workspace, 'prisma'), { recursive: true });
    await cp(path.join(root, 'prisma/migrations'), path.join(workspace, 'prisma/migrations'), { recursive: true });
    await writeFile(path.join(workspace, 'prisma/schema.prisma'), driftedSchema);
    // A plain object is a valid config, so the copy needs no node_modules to import defineConfig from.
    await writeFile(
      path.join(workspace, 'prisma.config.ts'),
      "export default { schema: 'prisma/schema.prisma', migrations: { path: 'prisma/migrations' }, datasource: { url: process.env.DATABASE_URL } };\n",
    );

    const run = await prisma(['migrate', 'dev', '--name', 'add_nickname'], database.urlFor('developed'), {
      cwd: workspace,
      env: { PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'prisma/schema-engine/main.ts') },
    });

    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    const created = (await readdir(path.join(workspace, 'prisma/migrations'))).filter((name) =>
      name.endsWith('_add_nickname'),
    );
    expect(created).toHaveLength(1);
    const sql = await readFile(path.join(workspace, 'prisma/migrations', created[0]!, 'migration.sql'), 'utf8');
    expect(sql).toMatch(/ALTER TABLE "users" ADD COLUMN\s+"nickname" TEXT;/);
    expect(run.stdout).toContain('Your database is now in sync with your schema.');
  });

  test('leaves no temporary shadow database behind', async () => {
    const databases = await query(database.urlFor('postgres'), 'SELECT datname AS name FROM pg_database');

    expect(databases.filter((name) => name.startsWith('prisma_migrate_shadow_db_'))).toEqual([]);
  });
});
