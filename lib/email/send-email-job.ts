import { z } from 'zod';
import { defineJob, type JobDefinition } from '../jobs/job-definition.ts';
import { findDeliveryKind, markRequeued } from './delivery-record.server.ts';
import { emailKinds, type EmailKind } from './email-kinds.ts';
import { sendEmail, type MailDeps } from './send-email.server.ts';

type WorkerFetch = { concurrency: number; batchSize: number };
type EmailJobDeps = { mail: MailDeps; worker: WorkerFetch };
type BulkEmailJobDeps = { bulkMail: MailDeps };
type SendEmailPayload = { deliveryId: string; kind?: EmailKind };

const emailKindSchema = z.enum(Object.keys(emailKinds) as [EmailKind, ...EmailKind[]]);

/**
 * What both lanes of the outbox share: the payload, the retries, the one send path. A lane is a
 * queue with its own fetch settings and its own send budget (`mailOf`).
 */
function defineSendEmailJob<Deps>(
  lane: Pick<JobDefinition<SendEmailPayload, Deps>, 'name' | 'formerNames' | 'fetch'> & {
    mailOf(deps: Deps): MailDeps;
  },
): JobDefinition<SendEmailPayload, Deps> {
  return defineJob<SendEmailPayload, Deps>({
    name: lane.name,
    ...(lane.formerNames ? { formerNames: lane.formerNames } : {}),
    // The kind was added to the payload with the outbox; a job queued before names only its record.
    payload: z.object({ deliveryId: z.uuid(), kind: emailKindSchema.optional() }),
    queue: {
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
      // A send takes well under a minute (the mailer's own timeouts are shorter), rate waits
      // included; this bounds a job whose worker keeps beating but never finishes.
      expireInSeconds: 60,
    },
    // Nobody works this queue: its jobs wait for an operator (npm run dead-letters), so keep them a month.
    deadLetter: { retentionSeconds: 30 * 24 * 60 * 60 },
    fetch: lane.fetch,
    async run(deps, payload, job) {
      const mail = lane.mailOf(deps);
      const kind = payload.kind ?? (await findDeliveryKind(mail.db, payload.deliveryId));
      if (!kind) return { status: 'completed', output: { status: 'skipped', reason: 'user-gone' } };
      const result = await sendEmail(mail, { deliveryId: payload.deliveryId, kind, lastAttempt: job.lastAttempt });
      const output = { deliveryId: payload.deliveryId, ...result };
      // Busy: the worker that holds the send records it soon; the retry then finds it sent.
      if (result.status === 'busy') return { status: 'retry', output };
      if (result.status !== 'failed') return { status: 'completed', output };
      // A permanent refusal, or the last attempt, goes straight to the dead-letter queue.
      return result.retry ? { status: 'retry', output } : { status: 'deadletter', output };
    },
    onReplay: (tx, payloads) =>
      markRequeued(
        tx,
        payloads.map((payload) => payload.deliveryId),
      ),
  });
}

/**
 * The outbox's job: send the email a delivery record asks for. The payload names only the record
 * (and its kind), which says whom to write and what; a token is issued by the worker at send time,
 * so it never sits in the queue and a backlog cannot eat its lifetime.
 */
export const sendEmailJob = defineSendEmailJob<EmailJobDeps>({
  name: 'email-send',
  // Jobs queued before the outbox carried every kind of email waited in this queue.
  formerNames: ['confirmation-email'],
  // Fetch loops per process, each sending its batch at once: concurrency × batch size emails in
  // flight. NOTIFY wakes them for new jobs; retries coming due are not announced, so the polling
  // interval decides how soon those are picked up (and all jobs while LISTEN is down).
  fetch: ({ worker }) => ({
    localConcurrency: worker.concurrency,
    batchSize: worker.batchSize,
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 1,
  }),
  mailOf: ({ mail }) => mail,
});

/**
 * The bulk lane: emails an import asks for (invitations, and the confirmations of `notify:
 * confirm`). A queue of its own, so a backlog of 100,000 waits here and never ahead of a person's
 * confirmation in `email-send`; one fetch loop of a small batch per worker, so it holds few of the
 * SMTP pool's connections; and a send budget of its own (INVITATION_SEND_RATE_PER_SECOND), so it
 * cannot spend the sign-ups' (ADR 040).
 */
export const sendBulkEmailJob = defineSendEmailJob<BulkEmailJobDeps>({
  name: 'email-send-bulk',
  fetch: () => ({ localConcurrency: 1, batchSize: 4, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 }),
  mailOf: ({ bulkMail }) => bulkMail,
});
