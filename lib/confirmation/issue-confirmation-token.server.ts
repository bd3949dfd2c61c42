import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Database } from '../database.server.ts';
import { generateConfirmationToken, hashConfirmationToken } from './confirmation-token.server.ts';

/**
 * Creates a new confirmation token for a user and deletes their earlier unused ones, atomically:
 * only the newest email's link works, so an old email found in a mailbox later (or a link leaked
 * from it) confirms nothing. Returns the token, whose only copy goes into the email.
 */
export async function issueConfirmationToken(db: Database, userId: string, expiresAt: Date): Promise<string> {
  const token = generateConfirmationToken();
  // One statement, so one round trip where a transaction takes four (it runs for every email sent).
  // Both parts see the table as it was before it, so the DELETE cannot take the new token.
  await db.$executeRaw`
    WITH earlier AS (DELETE FROM confirmation_tokens WHERE user_id = ${userId}::uuid AND used_at IS NULL)
    INSERT INTO confirmation_tokens (id, user_id, token_hash, expires_at)
    VALUES (${randomUUID()}::uuid, ${userId}::uuid, ${hashConfirmationToken(token)}, ${expiresAt})`;
  return token;
}
