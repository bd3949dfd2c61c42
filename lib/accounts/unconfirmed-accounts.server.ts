import 'server-only';
import type { Database } from '../db/database.server.ts';

/**
 * Housekeeping: accounts whose address was never confirmed, `olderThanMs` after sign-up. Their
 * address may not even be theirs; deleting them frees it for its owner. Tokens, sessions and
 * deliveries go with them (ON DELETE CASCADE). Accounts without a password are spared: an import
 * created them for an organisation that vouched for the address, and their owner may set a password
 * long after the invitation ("forgot password").
 */
export async function deleteUnconfirmedAccounts(db: Database, olderThanMs: number, now = new Date()): Promise<number> {
  const { count } = await db.user.deleteMany({
    where: { confirmedAt: null, passwordHash: { not: null }, createdAt: { lt: new Date(now.getTime() - olderThanMs) } },
  });
  return count;
}
