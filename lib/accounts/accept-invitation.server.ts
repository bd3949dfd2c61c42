import 'server-only';
import { z } from 'zod';
import type { Database } from '../db/database.server.ts';
import { consumeToken, findToken } from '../tokens/tokens.server.ts';
import { parseSignup } from './parse-signup.server.ts';

/** What an invitation link leads to; `used` also for an account whose owner got in another way. */
export type InvitationStatus = 'valid' | 'used' | 'expired' | 'invalid';

/** The invitation a link carries, without using it up (mail scanners open links too). */
export async function checkInvitation(
  db: Database,
  token: string,
  now = new Date(),
): Promise<{ status: 'valid'; email: string } | { status: Exclude<InvitationStatus, 'valid'> }> {
  const found = await findToken(db, token, 'invite');
  if (!found) return { status: 'invalid' };
  const user = await db.user.findUnique({ where: { id: found.userId }, select: { email: true, confirmedAt: true } });
  if (!user) return { status: 'invalid' };
  if (found.usedAt || user.confirmedAt) return { status: 'used' };
  if (found.expiresAt <= now) return { status: 'expired' };
  return { status: 'valid', email: user.email };
}

export type AcceptInvitationResult =
  | { status: 'accepted'; email: string }
  /** The password falls short of the sign-up's rules; the invitation is still good. */
  | { status: 'weak-password'; errors: string[] }
  | { status: Exclude<InvitationStatus, 'valid'> };

/**
 * Accepts an invitation from a bulk import: sets the account's first password, checked with the
 * sign-up's own policy (its length and strength rules, with the account's address and name as
 * words it must not be built from), and confirms the address, since the link reached it. The token
 * is used up by a conditional update, so of two concurrent acceptances exactly one sets a password.
 */
export async function acceptInvitation(
  db: Database,
  { token, password }: { token: string; password: unknown },
  now = new Date(),
): Promise<AcceptInvitationResult> {
  const invitation = await checkInvitation(db, token, now);
  if (invitation.status !== 'valid') return invitation;
  const found = await db.user.findUniqueOrThrow({ where: { email: invitation.email }, select: { name: true } });
  const parsed = await parseSignup({ email: invitation.email, password, name: found.name ?? undefined });
  if (!parsed.success) {
    const errors: { password?: string[] } = z.flattenError(parsed.error).fieldErrors;
    return { status: 'weak-password', errors: errors.password ?? [] };
  }
  const passwordHash = await parsed.passwordHash;
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
  const status = await checkInvitation(db, token, now);
  // Valid a moment ago: a concurrent acceptance just used it.
  return { status: status.status === 'valid' ? 'used' : status.status };
}
