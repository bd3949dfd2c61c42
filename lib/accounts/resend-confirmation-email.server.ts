import 'server-only';
import { enqueueConfirmationEmail } from '../jobs/enqueue-confirmation-email.server.ts';
import type { Services } from '../services.server.ts';

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
 * job issues a new token when it sends, which invalidates the earlier links.
 */
export async function resendConfirmationEmail(
  { db, boss }: Services,
  { email, requestKey }: ResendRequest,
): Promise<ResendOutcome> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, confirmedAt: true } });
  if (!user || user.confirmedAt) return { status: 'no-unconfirmed-account' };
  const { deliveryId } = await db.$transaction((tx) =>
    enqueueConfirmationEmail(tx, boss, { userId: user.id, kind: 'confirm', requestKey }),
  );
  return { status: 'queued', deliveryId };
}
