import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client.ts';
import type { Database, Transaction } from '../db/database.server.ts';

/**
 * Every purpose a single-use token serves, and how long its tokens live. A new flow adds a line
 * here, not a table.
 */
export const tokenPurposes = {
  'confirm-email': { lifetimeMs: 24 * 60 * 60 * 1000 },
  // The default of PASSWORD_RESET_MINUTES, which the worker passes in (tokenLifetimes).
  'reset-password': { lifetimeMs: 60 * 60 * 1000 },
  // Its target is the new address.
  'change-email': { lifetimeMs: 24 * 60 * 60 * 1000 },
  // Its target is the address the account moves away from. A week: the owner of a stolen account
  // may read the notice late, and the link still takes the account back.
  'cancel-email-change': { lifetimeMs: 7 * 24 * 60 * 60 * 1000 },
  // An invitation from a bulk import: its link sets the first password and confirms the address.
  invite: { lifetimeMs: 7 * 24 * 60 * 60 * 1000 },
} as const satisfies Record<string, { lifetimeMs: number }>;

export type TokenPurpose = keyof typeof tokenPurposes;

/** Lifetimes the configuration sets instead of the purposes' defaults. */
export type TokenLifetimes = Partial<Record<TokenPurpose, number>>;

/** 32 random bytes, URL-safe: the only copy ever made goes into the email. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored as SHA-256 digests. A salt or a slow hash would add nothing: the token carries
 * 256 bits of entropy, so the digest cannot be reversed, and a plain digest can be looked up by index.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type IssuedToken = { token: string; expiresAt: Date };

/**
 * SQL for a statement that issues a token: common table expressions that, for each user
 * `usersSql` selects (columns `"userId"` and `target`, which may be NULL), delete that user's unused tokens of the purpose and
 * insert the new one, so that only the newest works. For the outbox's claim, which issues the
 * token its email carries in the same statement (each round trip costs the worker more CPU than
 * the SMTP send). The parts of a statement all see the tables as they were before it, so the DELETE
 * cannot take the token the INSERT adds.
 */
export function issueTokenSql(
  usersSql: Prisma.Sql,
  purpose: TokenPurpose,
  now: Date,
  lifetimes: TokenLifetimes = {},
): { sql: Prisma.Sql; issued: IssuedToken } {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + (lifetimes[purpose] ?? tokenPurposes[purpose].lifetimeMs));
  const sql = Prisma.sql`
    token_users AS (${usersSql}),
    earlier_tokens AS (
      DELETE FROM tokens AS t
       USING token_users AS u
       WHERE t.user_id = u."userId" AND t.purpose = ${purpose} AND t.used_at IS NULL
    ),
    new_token AS (
      INSERT INTO tokens (id, user_id, purpose, target, token_hash, expires_at)
      SELECT ${randomUUID()}::uuid, u."userId", ${purpose}, u.target, ${hashToken(token)}, ${expiresAt}
        FROM token_users AS u
    )`;
  return { sql, issued: { token, expiresAt } };
}

/** Issues a token for the user, the only one of its purpose that works from now on. */
export async function issueToken(
  db: Database | Transaction,
  userId: string,
  purpose: TokenPurpose,
  now = new Date(),
  target: string | null = null,
): Promise<IssuedToken> {
  const { sql, issued } = issueTokenSql(
    Prisma.sql`SELECT ${userId}::uuid AS "userId", ${target}::text AS target`,
    purpose,
    now,
  );
  await db.$executeRaw`WITH ${sql} SELECT 1`;
  return issued;
}

export type FoundToken = { userId: string; target: string | null; expiresAt: Date; usedAt: Date | null };

/** The token's row, without using it up (mail scanners open links too); undefined for an unknown one. */
export async function findToken(
  db: Database | Transaction,
  token: string,
  purpose: TokenPurpose,
): Promise<FoundToken | undefined> {
  const found = await db.token.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { userId: true, purpose: true, target: true, expiresAt: true, usedAt: true },
  });
  if (found?.purpose !== purpose) return undefined;
  return { userId: found.userId, target: found.target, expiresAt: found.expiresAt, usedAt: found.usedAt };
}

/** What a link's token leads to: superseded tokens are gone (only the newest works), so read as invalid. */
export type TokenLinkStatus = 'valid' | 'used' | 'expired' | 'invalid';

/** What a found token (or none) leads to now. */
export function tokenLinkStatus(found: FoundToken | undefined, now = new Date()): TokenLinkStatus {
  if (!found) return 'invalid';
  if (found.usedAt) return 'used';
  if (found.expiresAt <= now) return 'expired';
  return 'valid';
}

/** Checks a link's token without using it up, for the page its GET shows. */
export async function checkToken(
  db: Database | Transaction,
  token: string,
  purpose: TokenPurpose,
  now = new Date(),
): Promise<TokenLinkStatus> {
  return tokenLinkStatus(await findToken(db, token, purpose), now);
}

/**
 * Uses the token up, if it is unused, unexpired and its user matches `user`: a conditional update,
 * so of two concurrent uses exactly one gets the token's user and target, the other undefined. The user's other
 * unused tokens of the purpose are spent with it, so none of them works a second time.
 */
export async function consumeToken(
  tx: Transaction,
  token: string,
  purpose: TokenPurpose,
  { now = new Date(), user }: { now?: Date; user?: Prisma.UserWhereInput } = {},
): Promise<{ userId: string; target: string | null } | undefined> {
  const [claim] = await tx.token.updateManyAndReturn({
    where: { tokenHash: hashToken(token), purpose, usedAt: null, expiresAt: { gt: now }, ...(user ? { user } : {}) },
    data: { usedAt: now },
    select: { userId: true, target: true },
  });
  if (!claim) return undefined;
  await tx.token.updateMany({ where: { userId: claim.userId, purpose, usedAt: null }, data: { usedAt: now } });
  return claim;
}

/**
 * Housekeeping: tokens that can no longer be used, a day after they expired or were used. Kept that
 * long so that a link opened late still gets "expired" or "already used" rather than "invalid".
 */
export async function deleteDeadTokens(db: Database, now = new Date()): Promise<number> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const { count } = await db.token.deleteMany({
    where: { OR: [{ expiresAt: { lt: dayAgo } }, { usedAt: { lt: dayAgo } }] },
  });
  return count;
}
