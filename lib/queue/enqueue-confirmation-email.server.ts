import 'server-only';
import { randomUUID } from 'node:crypto';
import { fromPrisma, type PgBoss } from 'pg-boss';
import type { Transaction } from '../database.server.ts';
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
 */
export async function enqueueConfirmationEmail(
  tx: Transaction,
  boss: PgBoss,
  { userId, kind, requestKey }: ConfirmationEmailRequest,
): Promise<{ deliveryId: string }> {
  const [created] = await tx.emailDelivery.createManyAndReturn({
    data: { id: randomUUID(), userId, kind, requestKey: requestKey ?? null },
    skipDuplicates: true,
    select: { id: true },
  });
  if (!created) {
    // Only a request key can collide (the id is random), so there is one here.
    const earlier = await tx.emailDelivery.findUniqueOrThrow({
      where: { userId_requestKey: { userId, requestKey: requestKey ?? '' } },
      select: { id: true },
    });
    return { deliveryId: earlier.id };
  }
  const job: ConfirmationEmailJob = { deliveryId: created.id };
  await boss.send(confirmationEmailQueue, job, { db: fromPrisma(tx) });
  return { deliveryId: created.id };
}
