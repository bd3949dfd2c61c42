import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { checkCurrentPassword } from './current-password.server.ts';

/** A sign-in this recent proves the person at the keyboard, in place of the current password. */
export const recentSignInMs = 10 * 60 * 1000;

export function signedInRecently(signedInAt: Date, now = new Date()): boolean {
  return now.getTime() - signedInAt.getTime() < recentSignInMs;
}

export type DeleteAccountResult =
  | { status: 'deleted' }
  | { status: 'invalid'; errors: { currentPassword?: string[] } }
  | { status: 'rate-limited'; retryAfterSeconds: number };

/**
 * Deletes the account, once the current password (or a recent sign-in) proves it is its owner
 * asking. In one transaction: the user goes, and with them (by foreign key) their sessions, tokens
 * and emails; emails still waiting to go to the address for someone else's account go too; and a
 * farewell email is queued, its delivery holding the address, since no account does any more.
 */
export async function deleteAccount(
  { db, outbox, limits }: { db: Database; outbox: Outbox; limits: Pick<RateLimits, 'signInAttempt'> },
  {
    userId,
    signedInAt,
    clientIp,
    currentPassword,
  }: { userId: string; signedInAt: Date; clientIp: string; currentPassword: unknown },
  now = new Date(),
): Promise<DeleteAccountResult> {
  if (!signedInRecently(signedInAt, now)) {
    const current = await checkCurrentPassword({ db, limits }, { userId, password: currentPassword, clientIp });
    if (current.status === 'rate-limited') return current;
    if (current.status === 'wrong') return { status: 'invalid', errors: { currentPassword: [current.message] } };
  }
  await outbox.transaction(async (tx, queueEmail) => {
    // Raw, for its RETURNING: of two deletions at once, the second finds nothing and sends nothing.
    const [deleted] = await tx.$queryRaw<
      { email: string }[]
    >`DELETE FROM users WHERE id = ${userId}::uuid RETURNING email`;
    if (!deleted) return;
    const { email } = deleted;
    await tx.emailDelivery.deleteMany({ where: { recipient: email, sentAt: null } });
    await queueEmail({ userId: null, recipient: email, kind: 'farewell' });
  });
  return { status: 'deleted' };
}
