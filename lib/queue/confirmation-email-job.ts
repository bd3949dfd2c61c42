import { z } from 'zod';
import type { Queue } from 'pg-boss';

/**
 * The confirmation-email job, shared by the producer (sign-up) and the consumer (worker).
 * The payload names the user and what to tell them; the token is created by the worker at send
 * time, so it never sits in the queue and a backlog cannot eat its lifetime.
 */
export const confirmationEmailQueue = 'confirmation-email';
export const confirmationEmailDeadLetterQueue = 'confirmation-email-dead';

export const confirmationEmailJobSchema = z.object({
  userId: z.uuid(),
  // 'confirm': a new account (or a resend); 'already-registered': someone signed up with an address
  // that has an account, and its owner is told so instead of the sign-up page revealing it.
  kind: z.enum(['confirm', 'already-registered']),
});

export type ConfirmationEmailJob = z.infer<typeof confirmationEmailJobSchema>;

export const confirmationEmailQueueOptions = {
  name: confirmationEmailQueue,
  // Wakes workers by LISTEN/NOTIFY on commit instead of waiting for their next poll.
  notify: true,
  // An SMTP outage can last a while: back off exponentially up to 5 minutes, for about an hour in all.
  retryLimit: 15,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 300,
  // A send takes well under a minute; a job held longer belongs to a dead worker and is retried.
  expireInSeconds: 60,
  deadLetter: confirmationEmailDeadLetterQueue,
} satisfies Queue;
