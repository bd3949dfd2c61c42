import { z } from 'zod';
import type { Queue } from 'pg-boss';

/**
 * The confirmation-email job, shared by the producer (sign-up) and the consumer (worker).
 * The payload names only the delivery record, which says whom to write and what; the token is
 * created by the worker at send time, so it never sits in the queue and a backlog cannot eat its
 * lifetime.
 */
export const confirmationEmailQueue = 'confirmation-email';
export const confirmationEmailDeadLetterQueue = 'confirmation-email-dead';

export const confirmationEmailJobSchema = z.object({ deliveryId: z.uuid() });

export type ConfirmationEmailJob = z.infer<typeof confirmationEmailJobSchema>;

export const confirmationEmailQueueOptions = {
  name: confirmationEmailQueue,
  // Wakes workers by LISTEN/NOTIFY on commit instead of waiting for their next poll.
  notify: true,
  // An SMTP outage can last a while: back off exponentially (with jitter) up to 5 minutes, for
  // about an hour in all, then dead-letter.
  retryLimit: 15,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 300,
  // A worker killed or frozen mid-send stops its heartbeat; the next maintenance pass (every few
  // seconds, see boss.server.ts) then hands the job to another worker. 10 s is pg-boss's minimum.
  heartbeatSeconds: 10,
  // A send takes well under a minute (the mailer's own timeouts are shorter); this bounds a job
  // whose worker keeps beating but never finishes.
  expireInSeconds: 60,
  deadLetter: confirmationEmailDeadLetterQueue,
} satisfies Queue;

export const confirmationEmailDeadLetterQueueOptions = {
  name: confirmationEmailDeadLetterQueue,
  // Nobody works this queue: its jobs wait for an operator (npm run dead-letters), so keep them a month.
  retentionSeconds: 30 * 24 * 60 * 60,
} satisfies Queue;
