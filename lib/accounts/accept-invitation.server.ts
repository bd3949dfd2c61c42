import 'server-only';
import type { Database } from '../db/database.server.ts';
import { consumeToken, findToken, tokenLinkStatus, type TokenLinkStatus } from '../tokens/tokens.server.ts';
import { hashPassword } from './password.server.ts';
import { checkNewPassword } from './signup-schema.ts';

/**
 * What an invitation link leads to, without using it up (mail scanners open links too). `used` also
 * for an account whose owner got in another way meanwhile (a reset confirmed the address).
 */
export async function checkInvitation(
  db: Database,
  token: string,
  now = new Date(),
): Promise<{ status: 'valid'; email: string; name: string | null } | { status: Exclude<TokenLinkStatus, 'valid'> }> {
  const found = await findToken(db, token, 'invite');
  const status = tokenLinkStatus(found, now);
  if (!found || status !== 'valid') return { status: status === 'valid' ? 'invalid' : status };
  const account = await db.user.findUnique({
    where: { id: found.userId },
    select: { email: true, name: true, confirmedAt: true },
  });
  if (!account) return { status: 'invalid' };
  if (account.confirmedAt) return { status: 'used' };
  return { status: 'valid', email: account.email, name: account.name };
}

export type AcceptInvitationResult =
  | { status: 'accepted'; email: string }
  /** The password falls short of the sign-up's rules; the invitation is still good. */
  | { status: 'weak-password'; errors: string[] }
  | { status: Exclude<TokenLinkStatus, 'valid'> };

/**
 * Accepts an invitation from a bulk import: sets the account's first password, checked with the
 * sign-up's own policy (checkNewPassword), and confirms the address, since the link reached it. The
 * token is used up by a conditional update, so of two concurrent acceptances exactly one sets a
 * password. The person is not signed in: they sign in with the new password.
 */
export async function acceptInvitation(
  db: Database,
  { token, password }: { token: string; password: unknown },
  now = new Date(),
): Promise<AcceptInvitationResult> {
  // The link's state first: an expired link should not ask for a better password.
  const invitation = await checkInvitation(db, token, now);
  if (invitation.status !== 'valid') return invitation;
  const checked = checkNewPassword(password, invitation);
  if (checked.status === 'invalid') return { status: 'weak-password', errors: checked.errors };
  const passwordHash = await hashPassword(checked.password);
  const accepted = await db.$transaction(async (tx) => {
    const used = await consumeToken(tx, token, 'invite', { now, user: { confirmedAt: null } });
    if (!used) return undefined;
    return tx.user.update({
      where: { id: used.userId },
      data: { passwordHash, confirmedAt: now },
      select: { email: true },
    });
  });
  if (accepted) return { status: 'accepted', email: accepted.email };
  const after = await checkInvitation(db, token, now);
  // Valid a moment ago: a concurrent acceptance just used it.
  return { status: after.status === 'valid' ? 'used' : after.status };
}
