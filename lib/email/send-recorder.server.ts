import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../logging/logger.server.ts';
import type { SendClaim } from './delivery-record.server.ts';

/** Records that the SMTP server accepted an email: what makes a job run again send nothing. */
export type SendRecorder = {
  /** Resolves once the record is written; rejects once this worker's claim on the email has lapsed. */
  recordSent(deliveryId: string, sent: { messageId: string; at: Date }, claim: SendClaim): Promise<void>;
  close(): Promise<void>;
};

type Pending = {
  deliveryId: string;
  messageId: string;
  at: Date;
  claim: SendClaim;
  resolve(): void;
  reject(error: unknown): void;
};

/**
 * Between the server's acceptance and this record lies the only window in which a worker's death
 * sends an email twice, so the record never waits behind other work. It has a connection of its
 * own (on the shared pool it queued behind other emails' claims: at 100 emails in flight, up to a
 * hundred of them), and the records that come in while one is written go together in the next
 * statement (one commit for them all, and on a drain a fraction of the statements and of the CPU).
 *
 * While the database is away (a restart takes seconds) each record is retried for as long as its
 * worker's claim on the email holds: until then no other worker sends it, after it one may.
 */
export function createSendRecorder(databaseUrl: string, logger: Logger): SendRecorder {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 1,
    application_name: 'signup-send-records',
    connectionTimeoutMillis: 5_000,
  });
  // An idle client that loses its connection emits 'error'; unhandled, it would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'send-record pool error'));
  const queue: Pending[] = [];
  let writing = false;

  const write = async (batch: Pending[]) => {
    await pool.query({
      name: 'record-sent',
      text: `UPDATE email_deliveries AS d
                SET status = 'sent', message_id = s.message_id, sent_at = s.sent_at,
                    sent_attempt = s.attempt, last_error = NULL, updated_at = s.sent_at
               FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[]) AS s (id, message_id, sent_at, attempt)
              WHERE d.id = s.id`,
      values: [
        batch.map((item) => item.deliveryId),
        batch.map((item) => item.messageId),
        batch.map((item) => item.at),
        batch.map((item) => item.claim.attempt),
      ],
    });
  };

  const writeAll = async () => {
    writing = true;
    for (let pauseMs = 250; queue.length > 0;) {
      const batch = queue.splice(0);
      try {
        await write(batch);
        for (const item of batch) item.resolve();
        pauseMs = 250;
      } catch (error) {
        const retryAt = Date.now() + pauseMs;
        const held = batch.filter((item) => retryAt < item.claim.heldUntil().getTime());
        for (const item of batch) if (!held.includes(item)) item.reject(error);
        queue.unshift(...held);
        if (held.length > 0) await sleep(pauseMs);
        pauseMs = Math.min(pauseMs * 2, 2_000);
      }
    }
    writing = false;
  };

  return {
    recordSent(deliveryId, { messageId, at }, claim) {
      return new Promise((resolve, reject) => {
        queue.push({ deliveryId, messageId, at, claim, resolve, reject });
        if (!writing) void writeAll();
      });
    },
    close: () => pool.end(),
  };
}
