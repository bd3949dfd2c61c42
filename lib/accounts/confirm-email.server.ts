import 'server-only';
import type { Database } from '../db/database.server.ts';
import { hashConfirmationToken } from './confirmation-token.server.ts';

export type TokenStatus = 'valid' | 'already-confirmed' | 'expired' | 'invalid';

/** What a confirmation link leads to, without using it up (mail scanners open links too). */
export async function checkConfirmationToken(db: Database, token: string, now = new Date()): Promise<TokenStatus> {
  const found = await db.confirmationToken.findUnique({
    where: { tokenHash: hashConfirmationToken(token) },
    select: { expiresAt: true, usedAt: true, user: { select: { confirmedAt: true } } },
  });
  if (!found) return 'invalid';
  if (found.usedAt || found.user.confirmedAt) return 'already-confirmed';
  if (found.expiresAt <= now) return 'expired';
  return 'valid';
}

/**
 * Confirms the address a token was sent to. The token is claimed by a conditional update, so of
 * two concurrent confirmations exactly one succeeds and the other sees 'already-confirmed'.
 */
export async function confirmEmail(
  db: Database,
  token: string,
  now = new Date(),
): Promise<'confirmed' | Exclude<TokenStatus, 'valid'>> {
  const tokenHash = hashConfirmationToken(token);
  const confirmed = await db.$transaction(async (tx) => {
    const claimed = await tx.confirmationToken.updateManyAndReturn({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now }, user: { confirmedAt: null } },
      data: { usedAt: now },
      select: { userId: true },
    });
    const [claim] = claimed;
    if (!claim) return false;
    await tx.user.update({ where: { id: claim.userId }, data: { confirmedAt: now } });
    // The user's other links are spent too: they now lead to "already confirmed", never to a second use.
    await tx.confirmationToken.updateMany({ where: { userId: claim.userId, usedAt: null }, data: { usedAt: now } });
    return true;
  });
  if (confirmed) return 'confirmed';
  const status = await checkConfirmationToken(db, token, now);
  // A token that was valid a moment ago was just claimed by a concurrent confirmation.
  return status === 'valid' ? 'already-confirmed' : status;
}
