import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';

export type PasswordResetEmailOutcome = { status: 'queued'; deliveryId: string } | { status: 'no-account' };

/**
 * The worker's half of "forgot password": an address with an account gets a reset link (the email
 * issues its token as it is sent, which makes the earlier links stop working); any other gets
 * nothing. An unconfirmed account gets one too: using the link proves the address as well.
 */
export async function sendPasswordResetEmail(
  { db, outbox }: { db: Database; outbox: Outbox },
  { email, requestKey }: { email: string; requestKey: string },
): Promise<PasswordResetEmailOutcome> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) return { status: 'no-account' };
  const { deliveryId } = await outbox.transaction((_tx, queueEmail) =>
    queueEmail({ userId: user.id, kind: 'reset_password', requestKey }),
  );
  return { status: 'queued', deliveryId };
}
