import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { checkConfirmationToken, confirmEmail } from '../lib/accounts/confirm-email.server.ts';
import { createDatabase, type Database } from '../lib/db/database.server.ts';
import { generateToken, hashToken } from '../lib/tokens/tokens.server.ts';
import { databaseUrlFor, runAdmin } from '../testing/test-database.ts';

const migrationsDir = path.join(import.meta.dirname, 'migrations');
const adminUrl = () => inject('databaseAdminUrl');
const name = `migrations_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let client: pg.Client;

/** The committed migrations in order, as `prisma migrate deploy` applies them. */
async function migrations(): Promise<{ name: string; sql: string }[]> {
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8') })),
  );
}

let applied = 0;

/** Applies the migrations not applied yet, up to `last` (and it too, when `including`), or all of them. */
async function applyUpTo(last: string | 'all', { including }: { including: boolean }) {
  const all = await migrations();
  const end = last === 'all' ? all.length : all.findIndex((migration) => migration.name === last) + (including ? 1 : 0);
  for (const migration of all.slice(applied, end)) await client.query(migration.sql);
  applied = Math.max(applied, end);
}

beforeAll(async () => {
  await runAdmin(adminUrl(), `CREATE DATABASE ${name}`);
  client = new pg.Client({ connectionString: databaseUrlFor(adminUrl(), name) });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await runAdmin(adminUrl(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('the tokens and outbox-kinds migration', () => {
  it('keeps the confirmation links already in inboxes working, and every delivery with its kind', async () => {
    const migration = '20261207020000_tokens_and_outbox_kinds';
    await applyUpTo(migration, { including: false });
    // A user who signed up before the change, with the link of their email, and a notice.
    const token = generateToken();
    const {
      rows: [user],
    } = await client.query<{ id: string }>(
      `INSERT INTO users (id, email, password_hash) VALUES (gen_random_uuid(), 'before@example.com', 'x') RETURNING id`,
    );
    await client.query(
      `INSERT INTO confirmation_tokens (id, user_id, token_hash, expires_at)
       VALUES (gen_random_uuid(), $1, $2, now() + interval '1 hour')`,
      [user?.id, hashToken(token)],
    );
    await client.query(
      `INSERT INTO email_deliveries (id, user_id, kind, status)
       VALUES (gen_random_uuid(), $1, 'confirm', 'sent'), (gen_random_uuid(), $1, 'already_registered', 'queued')`,
      [user?.id],
    );

    // This migration and every later one, as a database of that time meets them.
    await applyUpTo('all', { including: true });

    const { rows: kinds } = await client.query<{ kind: string }>('SELECT kind FROM email_deliveries ORDER BY kind');
    expect(kinds.map((row) => row.kind)).toEqual(['already_registered', 'confirm']);
    const db: Database = createDatabase(databaseUrlFor(adminUrl(), name));
    try {
      expect(await checkConfirmationToken(db, token)).toBe('valid');
      expect(await confirmEmail(db, token)).toEqual({ status: 'confirmed', email: 'before@example.com' });
    } finally {
      await db.$disconnect();
    }
  });
});
