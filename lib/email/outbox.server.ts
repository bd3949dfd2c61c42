import 'server-only';
import type { PgBoss } from 'pg-boss';
import type { Database, Transaction } from '../db/database.server.ts';
import { enqueue, enqueueMany } from '../jobs/enqueue.server.ts';
import { recordDeliveries, recordDelivery, type EmailRequest } from './delivery-record.server.ts';
import type { EmailKind } from './email-kinds.ts';
import { bulkEmailsPerJob, sendBulkEmailJob, sendEmailJob } from './send-email-job.ts';
import type { SendResult } from './send-email.server.ts';

export type QueueEmail = (
  request: EmailRequest & {
    /** Records the email as skipped and sends nothing: its recipient has had their share for now. */
    withhold?: boolean;
  },
) => Promise<{ deliveryId: string }>;

/**
 * Emails of one kind to many accounts, as a bulk import asks for them: recorded in one statement and
 * queued in the bulk lane (sendBulkEmailJob, a job per group), where they wait behind nobody's sign-up. Always
 * queued, whatever the strategy: no request waits for thousands of sends. A request key that names
 * an earlier email of its account queues nothing again. Returns how many were queued.
 */
export type QueueBulkEmails = (kind: EmailKind, requests: { userId: string; requestKey: string }[]) => Promise<number>;

/**
 * The one way the product asks for an email: inside the caller's transaction, so that what the
 * email is about and the email itself commit or roll back together.
 */
export type Outbox = {
  transaction<T>(
    work: (tx: Transaction, queueEmail: QueueEmail, queueBulkEmails: QueueBulkEmails) => Promise<T>,
  ): Promise<T>;
};

/**
 * How the emails a transaction asked for reach the SMTP server. `deferred` (the product) queues a
 * job with each, in the same transaction, for a worker to send. The other, kept only for the
 * benchmark to measure against (SIGNUP_EMAIL_DELIVERY=in-request, never the default), is the design
 * this app replaces: the request sends each email after the commit and before it answers, so it
 * waits for the SMTP server, and one that is down fails the request after the data was saved.
 */
export type DeliveryStrategy =
  | { mode: 'deferred' }
  | {
      mode: 'in-request';
      send(attempt: { deliveryId: string; kind: EmailKind; lastAttempt: true }): Promise<SendResult>;
    };

// Prisma's default 2 s wait for a connection is short for a busy web process (argon2 hashing keeps
// its cores busy); past these the request fails with "try again in a moment".
const transactionOptions = { maxWait: 10_000, timeout: 15_000 };

export function createOutbox({ db, boss }: { db: Database; boss: PgBoss }, strategy: DeliveryStrategy): Outbox {
  return {
    async transaction(work) {
      const toSend: { deliveryId: string; kind: EmailKind }[] = [];
      const result = await db.$transaction(
        (tx) =>
          work(
            tx,
            async ({ withhold = false, ...request }) => {
              const { deliveryId, isNew } = await recordDelivery(tx, request, withhold ? 'skipped' : 'queued');
              if (!isNew || withhold) return { deliveryId };
              if (strategy.mode === 'deferred') {
                await enqueue(boss, sendEmailJob, { deliveryId, kind: request.kind }, { tx });
              } else {
                toSend.push({ deliveryId, kind: request.kind });
              }
              return { deliveryId };
            },
            async (kind, requests) => {
              const deliveryIds = await recordDeliveries(tx, kind, requests);
              const groups = [];
              for (let start = 0; start < deliveryIds.length; start += bulkEmailsPerJob) {
                groups.push({ deliveryIds: deliveryIds.slice(start, start + bulkEmailsPerJob), kind });
              }
              await enqueueMany(boss, sendBulkEmailJob, groups, { tx });
              return deliveryIds.length;
            },
          ),
        transactionOptions,
      );
      if (strategy.mode === 'in-request') {
        for (const email of toSend) {
          const sent = await strategy.send({ ...email, lastAttempt: true });
          if (sent.status === 'failed') throw new Error(`the email was not sent: ${sent.reason}`);
        }
      }
      return result;
    },
  };
}
