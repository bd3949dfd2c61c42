import 'server-only';
import type { Database } from '../db/database.server.ts';

/**
 * Housekeeping: accounts whose address was never confirmed, `olderThanMs` after sign-up. Their
 * address may not even be theirs; deleting them frees it for its owner. Tokens, sessions and
 * deliveries go with them (ON DELETE CASCADE).
 */
export async function deleteUnconfirmedAccounts(db: Database, olderThanMs: number, now = new Date()): Promise<number> {
  const { count } = await db.user.deleteMany({
    where: { confirmedAt: null, createdAt: { lt: new Date(now.getTime() - olderThanMs) } },
  });
  return count;
}
