import 'server-only';
import type { PgBoss } from 'pg-boss';
import { confirmationEmailDeadLetterQueue, confirmationEmailQueue } from './confirmation-email-job.ts';
import { confirmationResendQueue } from './confirmation-resend-job.ts';

export type Backlog = {
  /** Jobs waiting: new, or due for a retry. */
  waiting: number;
  /** Jobs a worker holds right now. */
  active: number;
  /** Age of the oldest waiting job, in seconds; 0 with none waiting. Grows when workers fall behind or are down. */
  oldestWaitingSeconds: number;
};

export type QueueHealth = Backlog & {
  /** Emails that gave up and wait for an operator (npm run dead-letters). */
  deadLettered: number;
  /** Requests for a new link, which the workers turn into emails. */
  resends: Backlog;
};

/**
 * The email queue at a glance, with the resend requests that feed it. The counts are pg-boss's,
 * refreshed by the workers' maintenance every few seconds; the oldest waiting job is read
 * directly, so it grows even with no worker running.
 */
export async function readQueueHealth(boss: PgBoss, now = Date.now()): Promise<QueueHealth> {
  const [emails, deadLetters, resends] = await Promise.all([
    readBacklog(boss, confirmationEmailQueue, now),
    boss.getQueue(confirmationEmailDeadLetterQueue),
    readBacklog(boss, confirmationResendQueue, now),
  ]);
  return { ...emails, deadLettered: deadLetters?.queuedCount ?? 0, resends };
}

async function readBacklog(boss: PgBoss, name: string, now: number): Promise<Backlog> {
  const [queue, [oldest]] = await Promise.all([boss.getQueue(name), boss.findJobs(name, { queued: true, limit: 1 })]);
  return {
    waiting: queue?.queuedCount ?? 0,
    active: queue?.activeCount ?? 0,
    oldestWaitingSeconds: oldest ? Math.max(0, Math.round((now - oldest.createdOn.getTime()) / 1000)) : 0,
  };
}
