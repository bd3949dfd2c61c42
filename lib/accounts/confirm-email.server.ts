import 'server-only';
import type { Database } from '../db/database.server.ts';
import { consumeToken, findToken } from '../tokens/tokens.server.ts';

export type TokenStatus = 'valid' | 'already-confirmed' | 'expired' | 'invalid';

/** What a confirmation link leads to, without using it up (mail scanners open links too). */
export async function checkConfirmationToken(db: Database, token: string, now = new Date()): Promise<TokenStatus> {
  const found = await findToken(db, token, 'confirm-email');
  if (!found) return 'invalid';
  if (found.usedAt) return 'already-confirmed';
  const user = await db.user.findUnique({ where: { id: found.userId }, select: { confirmedAt: true } });
  if (!user) return 'invalid';
  if (user.confirmedAt) return 'already-confirmed';
  if (found.expiresAt <= now) return 'expired';
  return 'valid';
}

/**
 * Confirms the address a token was sent to. The token is used up by a conditional update, so of
 * two concurrent confirmations exactly one succeeds and the other sees 'already-confirmed'; the
 * user's other links are spent with it and lead to "already confirmed", never to a second use.
 */
export type ConfirmResult =
  /** With the address, so the person can sign in with it filled in. */
  { status: 'confirmed'; email: string } | { status: Exclude<TokenStatus, 'valid'> };

export async function confirmEmail(db: Database, token: string, now = new Date()): Promise<ConfirmResult> {
  const confirmed = await db.$transaction(async (tx) => {
    const used = await consumeToken(tx, token, 'confirm-email', { now, user: { confirmedAt: null } });
    if (!used) return undefined;
    return tx.user.update({ where: { id: used.userId }, data: { confirmedAt: now }, select: { email: true } });
  });
  if (confirmed) return { status: 'confirmed', email: confirmed.email };
  const status = await checkConfirmationToken(db, token, now);
  // A token that was valid a moment ago was just used by a concurrent confirmation.
  return { status: status === 'valid' ? 'already-confirmed' : status };
}
