import 'server-only';
import type { PgBoss } from 'pg-boss';
import { confirmationEmailDeadLetterQueue, confirmationEmailQueue } from './confirmation-email-job.ts';

export type QueueHealth = {
  /** Emails waiting to be sent: new, or due for a retry. */
  waiting: number;
  /** Emails a worker holds right now. */
  active: number;
  /** Emails that gave up and wait for an operator (npm run dead-letters). */
  deadLettered: number;
  /** Age of the oldest waiting email, in seconds; 0 with none waiting. Grows when workers fall behind or are down. */
  oldestWaitingSeconds: number;
};

/**
 * The confirmation-email queue at a glance. The counts are pg-boss's, refreshed by the workers'
 * maintenance every few seconds; the oldest waiting job is read directly, so it grows even with no
 * worker running.
 */
export async function readQueueHealth(boss: PgBoss, now = Date.now()): Promise<QueueHealth> {
  const [queue, deadLetters, [oldest]] = await Promise.all([
    boss.getQueue(confirmationEmailQueue),
    boss.getQueue(confirmationEmailDeadLetterQueue),
    boss.findJobs(confirmationEmailQueue, { queued: true, limit: 1 }),
  ]);
  return {
    waiting: queue?.queuedCount ?? 0,
    active: queue?.activeCount ?? 0,
    deadLettered: deadLetters?.queuedCount ?? 0,
    oldestWaitingSeconds: oldest ? Math.max(0, Math.round((now - oldest.createdOn.getTime()) / 1000)) : 0,
  };
}
