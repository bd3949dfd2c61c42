import 'server-only';
import type { PgBoss } from 'pg-boss';
import type { Database, Transaction } from '../db/database.server.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { enqueueMany, jobInsertSql, type JobInsertSql } from '../jobs/enqueue.server.ts';
import {
  earlierDelivery,
  recordDeliveries,
  recordDeliverySql,
  type EmailRequest,
  type RecordedDelivery,
} from './delivery-record.server.ts';
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
  /**
   * One statement that writes what an email is about and records and queues the email, for the
   * busiest producer (the sign-up): atomic without BEGIN and COMMIT, one round trip where its
   * transaction took five, and about a millisecond less of the web process's CPU (ADR 041). `about`
   * is the statement's CTEs, ending in `email_request` as recordDeliverySql describes.
   */
  writeWithEmail(
    about: Prisma.Sql,
    options?: { requestKey?: string },
  ): Promise<{ userId: string | null; kind: EmailKind; deliveryId: string }>;
};

/**
 * How the emails a transaction asked for reach the SMTP server. `deferred` (the product) queues a
 * job with each, in the same statement, for a worker to send. The other, kept only for the
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
  // pg-boss's insert of a send job, asked of it once, on the first email (again after a failure:
  // asking reads the queue's settings from the database, which may be away just then).
  let sendJobInsert: Promise<JobInsertSql<{ deliveryId: string; kind?: EmailKind }>> | undefined;

  /** Records the email `about` asks for and, deferred, queues its job: one statement on `runner`. */
  async function record(
    runner: Database | Transaction,
    about: Prisma.Sql,
    requestKey: string | undefined,
  ): Promise<RecordedDelivery & { deliveryId: string }> {
    const insertJob =
      strategy.mode === 'deferred'
        ? await (sendJobInsert ??= jobInsertSql(boss, sendEmailJob).catch((error: unknown) => {
            sendJobInsert = undefined;
            throw error;
          }))
        : undefined;
    const queueSend = insertJob
      ? (recorded: Prisma.Sql) => insertJob(recorded, { deliveryId: Prisma.sql`id`, kind: Prisma.sql`kind` })
      : undefined;
    const [row] = await runner.$queryRaw<RecordedDelivery[]>(recordDeliverySql(about, requestKey, queueSend));
    if (!row) throw new Error('recording the email returned no row: its email_request was empty');
    if (row.deliveryId) return { ...row, deliveryId: row.deliveryId };
    if (!requestKey) throw new Error('the email was not recorded, and no request key explains it');
    return { ...row, deliveryId: await earlierDelivery(runner, row.userId, requestKey), queued: false };
  }

  /** The design this app replaces: the emails of a committed write, sent before the request answers. */
  async function sendInRequest(toSend: { deliveryId: string; kind: EmailKind }[]) {
    if (strategy.mode !== 'in-request') return;
    for (const email of toSend) {
      const sent = await strategy.send({ ...email, lastAttempt: true });
      if (sent.status === 'failed') throw new Error(`the email was not sent: ${sent.reason}`);
    }
  }

  return {
    async transaction(work) {
      const toSend: { deliveryId: string; kind: EmailKind }[] = [];
      const result = await db.$transaction(
        (tx) =>
          work(
            tx,
            async ({ withhold = false, userId, recipient, kind, requestKey }) => {
              const recorded = await record(
                tx,
                Prisma.sql`email_request AS (
                  SELECT ${userId}::uuid AS user_id, ${recipient ?? null}::text AS recipient, ${kind}::text AS kind,
                         ${withhold}::boolean AS withhold)`,
                requestKey,
              );
              if (recorded.queued) toSend.push({ deliveryId: recorded.deliveryId, kind });
              return { deliveryId: recorded.deliveryId };
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
      await sendInRequest(toSend);
      return result;
    },

    async writeWithEmail(about, { requestKey } = {}) {
      const { userId, kind, deliveryId, queued } = await record(db, about, requestKey);
      if (queued) await sendInRequest([{ deliveryId, kind }]);
      return { userId, kind, deliveryId };
    },
  };
}
