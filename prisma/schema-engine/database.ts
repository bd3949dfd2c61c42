/**
 * Server-level work the wasm engine cannot do, done with `pg` directly: the CLI's
 * `cli can-connect-to-database` / `cli create-database` subcommands and the temporary shadow
 * database. Connection failures become the native engine's user-facing errors, because the CLI
 * acts on their codes (it creates the database on P1003) and the wasm engine's errors carry none.
 */
import pg from 'pg';
import { UserFacingError } from './errors.ts';

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);

export function withDatabase(url: string, database: string): string {
  const copy = new URL(url);
  copy.pathname = `/${encodeURIComponent(database)}`;
  return copy.toString();
}

/** Runs one statement on its own connection, closed before returning. */
export async function runStatement(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    throw toUserFacingError(error, url);
  } finally {
    await client.end();
  }
}

export async function checkConnection(url: string): Promise<void> {
  await runStatement(url, 'SELECT 1');
}

/** Creates the URL's database from the server's `postgres` database, as the native engine does. */
export async function createDatabase(url: string): Promise<string> {
  const name = databaseName(url);
  await runStatement(withDatabase(url, 'postgres'), `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  return name;
}

function databaseName(url: string): string {
  const parsed = new URL(url);
  return decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username);
}

function toUserFacingError(error: unknown, url: string): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  const parsed = new URL(url);
  const host = parsed.hostname;
  const port = parsed.port || '5432';
  const user = decodeURIComponent(parsed.username);
  const database = databaseName(url);
  if (typeof error.code === 'string' && unreachable.has(error.code)) {
    return new UserFacingError(
      'P1001',
      `Can't reach database server at \`${host}\`:\`${port}\`\n\nPlease make sure your database server is running at \`${host}\`:\`${port}\`.`,
    );
  }
  switch (error.code) {
    case '28P01':
      return new UserFacingError(
        'P1000',
        `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${host}\`.`,
      );
    case '3D000':
      return new UserFacingError(
        'P1003',
        `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`,
      );
    case '28000':
      return new UserFacingError('P1010', `User \`${user}\` was denied access on the database \`${database}\``);
    default:
      return error;
  }
}
