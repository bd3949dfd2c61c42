import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';
import { checkToken, consumeToken, findToken, tokenLinkStatus, type TokenLinkStatus } from '../tokens/tokens.server.ts';
import { hashPassword } from './password.server.ts';
import { checkNewPassword } from './signup-schema.ts';

/** What the reset page shows for a link's token, without using it up (mail scanners open links). */
export function checkPasswordResetToken(db: Database, token: string): Promise<TokenLinkStatus> {
  return checkToken(db, token, 'reset-password');
}

export type PasswordResetResult =
  | { status: 'reset'; email: string }
  | { status: 'weak-password'; errors: string[] }
  | { status: Exclude<TokenLinkStatus, 'valid'> };

/**
 * Sets a new password with a reset link's token. In one transaction: the token is used up (of two
 * concurrent resets one wins), the password replaced, the address counted as confirmed (the link
 * reached it), every session ended (whoever knew the old password is out), and the "password
 * changed" email queued. The person is not signed in: they sign in with the new password.
 */
export async function resetPassword(
  { db, outbox }: { db: Database; outbox: Outbox },
  { token, password }: { token: string; password: unknown },
  now = new Date(),
): Promise<PasswordResetResult> {
  // The link's state first: an expired link should not ask for a better password.
  const found = await findToken(db, token, 'reset-password');
  if (!found) return { status: 'invalid' };
  const status = tokenLinkStatus(found, now);
  if (status !== 'valid') return { status };
  const account = await db.user.findUnique({ where: { id: found.userId }, select: { email: true, name: true } });
  if (!account) return { status: 'invalid' };
  const checked = checkNewPassword(password, account);
  if (checked.status === 'invalid') return { status: 'weak-password', errors: checked.errors };
  const passwordHash = await hashPassword(checked.password);

  const reset = await outbox.transaction(async (tx, queueEmail) => {
    const used = await consumeToken(tx, token, 'reset-password', { now });
    if (!used) return undefined;
    const user = await tx.user.update({
      where: { id: used.userId },
      data: { passwordHash },
      select: { id: true, email: true, confirmedAt: true },
    });
    if (!user.confirmedAt) await tx.user.update({ where: { id: user.id }, data: { confirmedAt: now } });
    await tx.session.deleteMany({ where: { userId: user.id } });
    await queueEmail({ userId: user.id, kind: 'password_changed' });
    return { email: user.email };
  });
  if (reset) return { status: 'reset', ...reset };
  const after = await checkPasswordResetToken(db, token);
  // A token that was valid a moment ago was just used by a concurrent reset.
  return { status: after === 'valid' ? 'used' : after };
}
