import 'server-only';
import type { Database } from '../database.server.ts';
import { generateConfirmationToken, hashConfirmationToken } from './confirmation-token.server.ts';

/**
 * Creates a new confirmation token for a user and deletes their earlier unused ones, in one
 * transaction: only the newest email's link works, so an old email found in a mailbox later (or a
 * link leaked from it) confirms nothing. Returns the token, whose only copy goes into the email.
 */
export async function issueConfirmationToken(db: Database, userId: string, expiresAt: Date): Promise<string> {
  const token = generateConfirmationToken();
  await db.$transaction([
    db.confirmationToken.deleteMany({ where: { userId, usedAt: null } }),
    db.confirmationToken.create({ data: { userId, tokenHash: hashConfirmationToken(token), expiresAt } }),
  ]);
  return token;
}
