import 'server-only';
import { randomUUID } from 'node:crypto';
import { fromPrisma, type PgBoss } from 'pg-boss';
import type { Transaction } from '../db/database.server.ts';
import type { EmailKind } from '../generated/prisma/enums.ts';
import { confirmationEmailQueue, type ConfirmationEmailJob } from './confirmation-email-job.ts';

export type ConfirmationEmailRequest = {
  userId: string;
  kind: EmailKind;
  /** The request's idempotency key, when it has one: the same key for the same user enqueues once. */
  requestKey?: string;
};

/**
 * Records a confirmation email as queued and enqueues its job in the caller's transaction, so the
 * user, the record and the job commit or roll back together. A request key already used for this
 * user (a retried or double-submitted request) enqueues nothing and answers with the earlier record.
 * Returns the record's id, which the "check your inbox" page follows.
 * `withhold` records the email as skipped and queues nothing: its recipient has had their share of
 * emails for now (see registerUser), yet the sign-up must answer as if it were sent.
 */
export async function enqueueConfirmationEmail(
  tx: Transaction,
  boss: PgBoss,
  request: ConfirmationEmailRequest,
  { withhold = false }: { withhold?: boolean } = {},
): Promise<{ deliveryId: string }> {
  const { deliveryId, isNew } = await recordConfirmationEmail(tx, request, withhold ? 'skipped' : 'queued');
  if (isNew && !withhold) {
    const job: ConfirmationEmailJob = { deliveryId };
    await boss.send(confirmationEmailQueue, job, { db: fromPrisma(tx) });
  }
  return { deliveryId };
}

/** The delivery record alone; `isNew` is false when the request key names an earlier one. */
export async function recordConfirmationEmail(
  tx: Transaction,
  { userId, kind, requestKey }: ConfirmationEmailRequest,
  status: 'queued' | 'skipped' = 'queued',
): Promise<{ deliveryId: string; isNew: boolean }> {
  // Raw SQL on every sign-up's path: through the query builder this insert cost ~0.5 ms more CPU.
  const [created] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO email_deliveries (id, user_id, kind, request_key, status)
    VALUES (${randomUUID()}::uuid, ${userId}::uuid, ${kind}::email_kind, ${requestKey ?? null},
            ${status}::email_delivery_status)
    ON CONFLICT DO NOTHING
    RETURNING id`;
  if (created) return { deliveryId: created.id, isNew: true };
  // Only a request key can collide (the id is random), so there is one here.
  const earlier = await tx.emailDelivery.findUniqueOrThrow({
    where: { userId_requestKey: { userId, requestKey: requestKey ?? '' } },
    select: { id: true },
  });
  return { deliveryId: earlier.id, isNew: false };
}
