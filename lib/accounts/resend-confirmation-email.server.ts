import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';

export type ResendRequest = {
  email: string;
  /** Names the request: the same key for the same account queues one email, however often it is run. */
  requestKey: string;
};

export type ResendOutcome = { status: 'queued'; deliveryId: string } | { status: 'no-unconfirmed-account' };

/**
 * Queues a fresh confirmation email if the address has an unconfirmed account; an unknown or
 * confirmed address gets nothing. The worker runs this, not the web tier, so that the answer to the
 * person takes the same time whichever the address is (see requestConfirmationEmail). The email
 * issues a new token when it is sent, which invalidates the earlier links.
 */
export async function resendConfirmationEmail(
  { db, outbox }: { db: Database; outbox: Outbox },
  { email, requestKey }: ResendRequest,
): Promise<ResendOutcome> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, confirmedAt: true } });
  if (!user || user.confirmedAt) return { status: 'no-unconfirmed-account' };
  const { deliveryId } = await outbox.transaction((_tx, queueEmail) =>
    queueEmail({ userId: user.id, kind: 'confirm', requestKey }),
  );
  return { status: 'queued', deliveryId };
}
