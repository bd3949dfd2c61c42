import { z } from 'zod';
import { defineJob, type JobOutcome } from '../jobs/job-definition.ts';
import { findDeliveryKind, markRequeued } from './delivery-record.server.ts';
import { emailKinds, type EmailKind } from './email-kinds.ts';
import { sendEmail, type MailDeps, type SendResult } from './send-email.server.ts';
import type { SendWindow } from './send-window.ts';

type EmailJobDeps = { mail: MailDeps; sendWindow: SendWindow };

const emailKindSchema = z.enum(Object.keys(emailKinds) as [EmailKind, ...EmailKind[]]);

// An SMTP outage can last a while: back off exponentially (with jitter) up to 5 minutes, for about
// an hour in all, then dead-letter. A worker killed or frozen mid-send stops its heartbeat; the next
// maintenance pass (every few seconds, see boss.server.ts) then hands the job to another worker.
// 10 s is pg-boss's minimum.
const retries = { retryLimit: 15, retryDelay: 2, retryBackoff: true, retryDelayMax: 300, heartbeatSeconds: 10 };

// Nobody works a dead-letter queue: its jobs wait for an operator (npm run dead-letters), so keep them a month.
const deadLetter = { retentionSeconds: 30 * 24 * 60 * 60 };

/**
 * Where a queued email wakes the workers: a trigger on email_deliveries (its migration,
 * 20261207050000_outbox_wakes_workers) notifies it for every row inserted as queued, so the NOTIFY
 * commits with the email and its job.
 */
export const outboxWakeChannel = 'email_outbox';

/**
 * The outbox's one job: send the email a delivery record asks for. The payload names only the
 * record (and its kind), which says whom to write and what; a token is issued by the worker at
 * send time, so it never sits in the queue and a backlog cannot eat its lifetime.
 */
export const sendEmailJob = defineJob<{ deliveryId: string; kind?: EmailKind }, EmailJobDeps>({
  name: 'email-send',
  // Jobs queued before the outbox carried every kind of email waited in this queue.
  formerNames: ['confirmation-email'],
  // The kind was added to the payload with the outbox; a job queued before names only its record.
  payload: z.object({ deliveryId: z.uuid(), kind: emailKindSchema.optional() }),
  queue: {
    // The workers hear of new emails from the outbox's own NOTIFY (outboxWakeChannel), not pg-boss's.
    notify: false,
    ...retries,
    // A send takes well under a minute (the mailer's own timeouts are shorter); this bounds a job
    // whose worker keeps beating but never finishes.
    expireInSeconds: 60,
  },
  deadLetter,
  // As many emails in hand as the send window has room for (ADR 038). Retries coming due are not
  // announced: the polling interval decides how soon those are picked up (and all jobs while LISTEN
  // is down).
  fetch: ({ sendWindow }: EmailJobDeps) => ({
    window: sendWindow,
    wakeChannel: outboxWakeChannel,
    pollingIntervalSeconds: 1,
  }),
  // The output says only how the job ended (the delivery record holds the rest), so that the jobs a
  // worker finished meanwhile settle in a statement or two.
  async run({ mail }, payload, job) {
    const kind = payload.kind ?? (await findDeliveryKind(mail.db, payload.deliveryId));
    if (!kind) return { status: 'completed', output: { status: 'skipped', reason: 'user-gone' } };
    return outcomeOf(await sendEmail(mail, { deliveryId: payload.deliveryId, kind, lastAttempt: job.lastAttempt }));
  },
  onReplay: (tx, payloads) =>
    markRequeued(
      tx,
      payloads.map((payload) => payload.deliveryId),
    ),
});

function outcomeOf(result: SendResult): JobOutcome {
  switch (result.status) {
    case 'sent':
      return { status: 'completed', output: { status: 'sent' }, server: 'accepted' };
    // The worker that holds the send records it soon; the retry then finds it sent.
    case 'busy':
      return { status: 'retry', output: { status: 'busy' } };
    // An earlier run gave up on it (see claimForSending): this one, its last, ends in the dead letters.
    case 'given-up':
      return { status: 'deadletter', output: { status: 'failed', reason: result.reason } };
    case 'failed': {
      const output = { status: 'failed', reason: result.reason };
      // Anything but a refusal of this very message says the server could not cope just now.
      const server = result.permanent ? undefined : 'pushed-back';
      // A permanent refusal, or the last attempt, goes to the dead-letter queue.
      return result.retry ? { status: 'retry', output, server } : { status: 'deadletter', output, server };
    }
    default:
      return { status: 'completed', output: result };
  }
}

/** Deliveries per bulk job: a job row per 50 emails instead of one per email (ADR 040). */
export const bulkEmailsPerJob = 50;

/**
 * Bulk jobs a worker runs at once, each sending its emails one after another on a connection of
 * the lane's own SMTP pool. One at a time, a worker took its next job only at the next poll, a
 * second later: ~50 invitations a second whatever the server, half an hour for a 100,000-row
 * import. A full fetch of several fetches again at once. Few enough that a person's confirmation
 * still finds the cores and the database free (the bench times it during an import).
 */
export const bulkJobsAtOnce = 4;

/**
 * The bulk lane: the emails an import asks for (invitations, and the confirmations of `notify:
 * confirm`), a job per group of deliveries. A queue of its own, so a backlog of 100,000 waits here
 * and never ahead of a person's confirmation in `email-send`; one fetch loop per worker running a
 * few jobs at once (bulkJobsAtOnce), each one email at a time, on an SMTP pool and a send budget of
 * its own (BULK_EMAIL_SEND_RATE_PER_SECOND), so it holds neither the connections nor the rate that
 * sign-ups use. Each delivery is sent at most once, as in `email-send`: a retried or taken-over job
 * skips the ones already sent.
 */
export const sendBulkEmailJob = defineJob<{ deliveryIds: string[]; kind: EmailKind }, { bulkMail: MailDeps }>({
  name: 'email-send-bulk',
  payload: z.object({ deliveryIds: z.array(z.uuid()).min(1).max(bulkEmailsPerJob), kind: emailKindSchema }),
  queue: {
    notify: true,
    ...retries,
    // Fifty sends at a low rate take minutes; the heartbeat, not the expiry, finds a dead worker.
    expireInSeconds: 30 * 60,
  },
  deadLetter,
  fetch: () => ({
    localConcurrency: 1,
    batchSize: bulkJobsAtOnce,
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 1,
  }),
  async run({ bulkMail }, { deliveryIds, kind }, job) {
    const results: (SendResult & { deliveryId: string })[] = [];
    for (const deliveryId of deliveryIds) {
      results.push({ deliveryId, ...(await sendEmail(bulkMail, { deliveryId, kind, lastAttempt: job.lastAttempt })) });
    }
    const unsent = results.filter(
      (result) => result.status === 'busy' || result.status === 'failed' || result.status === 'given-up',
    );
    const output = { sent: results.filter((result) => result.status === 'sent').length, unsent };
    // The retry sends only what is still unsent; emails refused for good, or failed on the last
    // attempt, leave the job to the dead-letter queue for an operator to replay.
    if (unsent.some((result) => result.status === 'busy' || (result.status === 'failed' && result.retry))) {
      return { status: 'retry', output };
    }
    if (unsent.length > 0) {
      const reasons = unsent.flatMap((result) => ('reason' in result ? [result.reason] : []));
      return { status: 'deadletter', output: { ...output, reason: [...new Set(reasons)].join('; ') } };
    }
    return { status: 'completed', output };
  },
  onReplay: (tx, payloads) =>
    markRequeued(
      tx,
      payloads.flatMap((payload) => payload.deliveryIds),
    ),
});
