import { z } from 'zod';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';
import { defineJob } from '../jobs/job-definition.ts';
import { parseEmailAddress } from './email-address.ts';
import { sendPasswordResetEmail } from './password-reset-email.server.ts';
import { resendConfirmationEmail } from './resend-confirmation-email.server.ts';

/**
 * How long after the request an address request comes due. A worker that took it at once would do
 * its extra work for a known address (a transaction, then the email) while the web process still
 * renders the answer, on the same cores and database, and the answer's time would show it. A second
 * later that answer is long gone.
 */
export const addressRequestDelaySeconds = 1;

/**
 * Someone typed an address and asked for an email to it: a fresh confirmation link, or a password
 * reset link. The web tier queues one for every request it allows, whether or not the address has an
 * account, so that its answer takes the same time for all; the worker decides whether an email is
 * due. The payload is an address someone typed (in its stored form), which may belong to nobody.
 */
export const addressRequestJob = defineJob<
  { email: string; wants: 'confirmation' | 'password-reset' },
  { db: Database; outbox: Outbox }
>({
  name: 'address-request',
  // Confirmation resends waited in a queue of their own before password resets joined them.
  formerNames: ['confirmation-resend'],
  payload: z.object({
    email: z.string().refine((email) => {
      const parsed = parseEmailAddress(email);
      return 'address' in parsed && parsed.address === email;
    }, 'not an address in its stored form'),
    // A job queued before password resets asks for a confirmation.
    wants: z.enum(['confirmation', 'password-reset']).default('confirmation'),
  }),
  queue: {
    // pg-boss announces only jobs due at once, and these come due later: workers poll for them.
    notify: false,
    // Only the database can fail here: back off as the email queue does, for about an hour, then give
    // up; the person can ask again. No dead-letter queue, which would keep the address for weeks.
    retryLimit: 15,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 300,
    // A lookup and one short transaction: a worker that dies holding the job loses it within seconds.
    heartbeatSeconds: 10,
    expireInSeconds: 30,
    // The address someone typed is kept only briefly: finished jobs go after 10 minutes, and a job no
    // worker took within a day is stale (its asker has asked again or given up).
    deleteAfterSeconds: 10 * 60,
    retentionSeconds: 24 * 60 * 60,
  },
  // Requests are few next to emails (limited per client and per address), each a lookup and a short
  // transaction: one fetch loop per process is plenty, and small batches leave most of the database
  // connections to the email sends. Due a second after they are queued, unannounced: the polling
  // interval decides how much later than that the email is queued.
  fetch: () => ({ localConcurrency: 1, batchSize: 4, pollingIntervalSeconds: 1 }),
  async run(deps, { email, wants }, job) {
    // The job's id names the request: a job run again (its worker died after the commit, before
    // pg-boss recorded it done) finds the delivery it made and queues no second email.
    const request = { email, requestKey: job.id };
    const outcome =
      wants === 'password-reset'
        ? await sendPasswordResetEmail(deps, request)
        : await resendConfirmationEmail(deps, request);
    return { status: 'completed', output: outcome };
  },
});
