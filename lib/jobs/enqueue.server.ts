import 'server-only';
import type pg from 'pg';
import { fromPrisma, type Db, type PgBoss } from 'pg-boss';
import type { Transaction } from '../db/database.server.ts';
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
