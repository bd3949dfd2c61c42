import 'server-only';
import { fromPrisma, type PgBoss } from 'pg-boss';
import type { Transaction } from '../db/database.server.ts';
import type { JobDefinition } from './job-definition.ts';

export type EnqueueOptions = {
  /** The caller's transaction: the job commits or rolls back with what the caller wrote. */
  tx?: Transaction;
  /** Seconds until the job comes due. */
  startAfter?: number;
};

/** The one way a producer queues a job. Returns the job's id. */
export async function enqueue<Payload extends object>(
  boss: PgBoss,
  job: JobDefinition<Payload, never>,
  payload: Payload,
  { tx, startAfter }: EnqueueOptions = {},
): Promise<string> {
  const id = await boss.send(job.name, payload, {
    ...(tx ? { db: fromPrisma(tx) } : {}),
    ...(startAfter ? { startAfter } : {}),
  });
  // Only a singleton or throttled queue answers null, and none of ours is one.
  if (!id) throw new Error(`pg-boss did not queue a ${job.name} job`);
  return id;
}
