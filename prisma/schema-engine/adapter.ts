/**
 * The driver adapter factory the wasm engine reaches PostgreSQL through: `@prisma/adapter-pg`,
 * with three fixes for schema-engine use.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { runStatement, withDatabase } from './database.ts';

const CHAR_OID = 18;
const TEXT_OID = 25;

/** adapter-pg's private step between running a query with `pg` and mapping its column types. */
type PerformIO = (query: SqlQuery) => Promise<{ fields: { dataTypeID: number }[] }>;

/**
 * The engine's pg_catalog queries select columns of PostgreSQL's internal one-byte `"char"` type
 * (OID 18: pg_constraint.contype...). adapter-pg has no mapping for it and fails the query
 * ("Column type 'char' could not be deserialized"); read as text, the engine panics when it gets
 * the value as a char. So the column goes through adapter-pg as text (pg already reads its values
 * as strings) and is handed to the engine as a Character column. The engine runs these queries
 * outside transactions, so transactions are left as they are.
 */
function readCharColumns<Adapter extends SqlDriverAdapter>(adapter: Adapter): Adapter {
  const charColumns = new WeakMap<SqlQuery, number[]>();
  const internals = adapter as unknown as { performIO: PerformIO };
  const performIO = internals.performIO.bind(adapter);
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const indexes: number[] = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      indexes.push(index);
    });
    charColumns.set(query, indexes);
    return result;
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const index of charColumns.get(query) ?? []) resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    return resultSet;
  };
  return adapter;
}

/**
 * adapter-pg runs a script (a migration) as the pieces between its semicolons, which cuts any
 * statement with one inside it: a function's body, a string. The native engine sends the script
 * whole, as one simple query, which PostgreSQL runs statement by statement in one transaction; so
 * does this, with adapter-pg's own translation of a failure.
 */
function runScriptsWhole<Adapter extends SqlDriverAdapter & { underlyingDriver(): pg.Pool }>(
  adapter: Adapter,
): Adapter {
  const pool = adapter.underlyingDriver();
  const internals = adapter as unknown as { onError(error: unknown): never };
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}

async function connect(url: string) {
  return runScriptsWhole(readCharColumns(await new PrismaPg(url).connect()));
}

/**
 * Without a configured shadow database the native engine creates a temporary one on the main
 * server and drops it afterwards; this does the same. adapter-pg's own connectToShadowDb is not
 * used: it spreads `database` next to `connectionString`, where the connection string wins, so
 * the migrations ran on the MAIN database; and it drops the database while its own pool still
 * holds connections to it, leaving the process waiting for the pool's idle timeout.
 */
async function connectToTemporaryShadowDb(url: string) {
  const name = `prisma_migrate_shadow_db_${randomUUID()}`;
  await runStatement(url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const adapter = await connect(withDatabase(url, name));
  const closePool = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await closePool();
    // FORCE: the server may not have finished closing the pool's sessions yet.
    await runStatement(url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  };
  return adapter;
}

export function createAdapterFactory(url: string) {
  return bindMigrationAwareSqlAdapterFactory({
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connect(url),
    connectToShadowDb: () => connectToTemporaryShadowDb(url),
  });
}
