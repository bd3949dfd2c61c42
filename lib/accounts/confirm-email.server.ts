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
export async function confirmEmail(
  db: Database,
  token: string,
  now = new Date(),
): Promise<'confirmed' | Exclude<TokenStatus, 'valid'>> {
  const confirmed = await db.$transaction(async (tx) => {
    const userId = await consumeToken(tx, token, 'confirm-email', { now, user: { confirmedAt: null } });
    if (!userId) return false;
    await tx.user.update({ where: { id: userId }, data: { confirmedAt: now } });
    return true;
  });
  if (confirmed) return 'confirmed';
  const status = await checkConfirmationToken(db, token, now);
  // A token that was valid a moment ago was just used by a concurrent confirmation.
  return status === 'valid' ? 'already-confirmed' : status;
}
