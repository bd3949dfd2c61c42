import 'server-only';
import type pg from 'pg';
import { fromPrisma, type Db, type PgBoss } from 'pg-boss';
import type { Transaction } from '../db/database.server.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { JobDefinition } from './job-definition.ts';

export type EnqueueOptions = {
  /**
   * The caller's transaction: the job commits or rolls back with what the caller wrote. A Prisma
   * transaction, or a node-postgres client inside BEGIN (the upload's, which streams bytes through
   * one, see lib/imports/import-upload.server.ts).
   */
  tx?: Transaction | pg.ClientBase;
  /** Seconds until the job comes due. */
  startAfter?: number;
};

function connectionOf(tx: Transaction | pg.ClientBase): Db {
  if ('$queryRawUnsafe' in tx) return fromPrisma(tx);
  return { executeSql: (text, values) => tx.query(text, values) };
}

/** The one way a producer queues a job. Returns the job's id. */
export async function enqueue<Payload extends object>(
  boss: PgBoss,
  job: JobDefinition<Payload, never>,
  payload: Payload,
  { tx, startAfter }: EnqueueOptions = {},
): Promise<string> {
  const id = await boss.send(job.name, payload, {
    ...(tx ? { db: connectionOf(tx) } : {}),
    ...(startAfter ? { startAfter } : {}),
  });
  // Only a singleton or throttled queue answers null, and none of ours is one.
  if (!id) throw new Error(`pg-boss did not queue a ${job.name} job`);
  return id;
}

/**
 * Many jobs of one kind in one statement (pg-boss's `insert`, with the queue's settings), for
 * producers that make thousands at once: an import's chunk queues an email per user it created.
 */
export async function enqueueMany<Payload extends object>(
  boss: PgBoss,
  job: JobDefinition<Payload, never>,
  payloads: Payload[],
  { tx }: Pick<EnqueueOptions, 'tx'> = {},
): Promise<void> {
  if (payloads.length === 0) return;
  await boss.insert(
    job.name,
    payloads.map((data) => ({ data })),
    tx ? { db: connectionOf(tx) } : {},
  );
}

/** Builds the insert of a job per row of a query, as a part of a larger statement (see jobInsertSql). */
export type JobInsertSql<Payload extends object> = (
  rows: Prisma.Sql,
  payload: { [Field in keyof Payload]-?: Prisma.Sql },
) => Prisma.Sql;

/**
 * The insert of jobs as a part of a statement that writes what they are about, so that one round
 * trip does both, atomic without a transaction: `rows` is a query with a row per job, and `payload`
 * gives each field of a job's payload as an expression over its columns. pg-boss writes the insert,
 * with the queue's settings, as it does for `insert`; it embeds its own statement in a flow's the
 * same way, its one parameter (the jobs as JSON) replaced. Only a queue without pg-boss's notify
 * fits in a CTE: that insert is a WITH of its own.
 */
export async function jobInsertSql<Payload extends object>(
  boss: PgBoss,
  job: JobDefinition<Payload, never>,
): Promise<JobInsertSql<Payload>> {
  let text: string | undefined;
  // Nothing runs: the statement pg-boss would execute is kept instead.
  const capture: Db = {
    executeSql: async (sql) => {
      text = sql;
      return { rows: [] };
    },
  };
  await boss.insert(job.name, [{ data: {} }], { db: capture });
  const parts = text?.split('$1') ?? [];
  if (parts.length !== 2 || !/^\s*INSERT\b/i.test(parts[0]!)) {
    throw new Error(`pg-boss's insert of ${job.name} jobs is not one INSERT with one parameter, as a CTE needs`);
  }
  const [before, after] = parts.map((part) => Prisma.raw(part)) as [Prisma.Sql, Prisma.Sql];
  return (rows, payload) => {
    const fields = Object.entries<Prisma.Sql>(payload).map(([name, value]) => Prisma.sql`${name}::text, ${value}`);
    const jobs = Prisma.sql`(
      SELECT COALESCE(json_agg(json_build_object('data', json_build_object(${Prisma.join(fields)}))), '[]'::json)
        FROM (${rows}) AS job_rows)`;
    return Prisma.sql`${before}${jobs}${after}`;
  };
}
