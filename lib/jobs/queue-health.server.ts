import 'server-only';
import type { PgBoss } from 'pg-boss';
import { deadLetterQueueOf, type AnyJobDefinition } from './job-definition.ts';

export type Backlog = {
  /** Jobs waiting: new, or due for a retry. */
  waiting: number;
  /** Jobs a worker holds right now. */
  active: number;
  /** Age of the oldest waiting job, in seconds; 0 with none waiting. Grows when workers fall behind or are down. */
  oldestWaitingSeconds: number;
  /** Jobs that gave up and wait for an operator (npm run dead-letters), for a job with a dead-letter queue. */
  deadLettered?: number;
};

/**
 * Every job's queue at a glance. The counts are pg-boss's, refreshed by the workers' maintenance
 * every few seconds; the oldest waiting job is read directly, so it grows even with no worker running.
 */
export async function readQueueHealth(
  boss: PgBoss,
  jobs: readonly AnyJobDefinition[],
  now = Date.now(),
): Promise<Record<string, Backlog>> {
  const backlogs = await Promise.all(jobs.map((job) => readBacklog(boss, job, now)));
  return Object.fromEntries(jobs.map((job, index) => [job.name, backlogs[index] as Backlog]));
}

async function readBacklog(boss: PgBoss, job: AnyJobDefinition, now: number): Promise<Backlog> {
  const [queue, [oldest], deadLetters] = await Promise.all([
    boss.getQueue(job.name),
    boss.findJobs(job.name, { queued: true, limit: 1 }),
    job.deadLetter ? boss.getQueue(deadLetterQueueOf(job)) : undefined,
  ]);
  return {
    waiting: queue?.queuedCount ?? 0,
    active: queue?.activeCount ?? 0,
    oldestWaitingSeconds: oldest ? Math.max(0, Math.round((now - oldest.createdOn.getTime()) / 1000)) : 0,
    ...(job.deadLetter ? { deadLettered: deadLetters?.queuedCount ?? 0 } : {}),
  };
}
