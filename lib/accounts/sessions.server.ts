import 'server-only';
import type { Database } from '../db/database.server.ts';
import { generateToken, hashToken } from '../tokens/tokens.server.ts';

export type SessionSettings = { idleMs: number; absoluteMs: number };

// Last seen is written at most this often, so that checking a session stays one read.
const touchEveryMs = 60 * 60 * 1000;

export type SignedIn = {
  sessionId: string;
  signedInAt: Date;
  user: { id: string; email: string; name: string | null };
};

/**
 * A new session for the user: a fresh random token for the cookie (its SHA-256 stored), so that a
 * session fixed before the sign-in is never the one signed in.
 */
export async function createSession(
  db: Database,
  userId: string,
  userAgent: string | null,
  { absoluteMs }: SessionSettings,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + absoluteMs);
  await db.session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      userAgent: userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    },
  });
  return { token, expiresAt };
}

/** The session a cookie's token names, if it is live; one indexed read, and a write at most hourly. */
export async function findSession(
  db: Database,
  token: string,
  { idleMs }: SessionSettings,
  now = new Date(),
): Promise<SignedIn | undefined> {
  const session = await db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      user: { select: { id: true, email: true, name: true } },
    },
  });
  if (!session || session.expiresAt <= now || session.lastSeenAt.getTime() + idleMs <= now.getTime()) return undefined;
  if (now.getTime() - session.lastSeenAt.getTime() >= touchEveryMs) {
    await db.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return { sessionId: session.id, signedInAt: session.createdAt, user: session.user };
}

export type SessionListing = { id: string; userAgent: string | null; createdAt: Date; lastSeenAt: Date };

/** The user's live sessions, most recently seen first. */
export async function listSessions(
  db: Database,
  userId: string,
  { idleMs }: SessionSettings,
  now = new Date(),
): Promise<SessionListing[]> {
  return db.session.findMany({
    where: { userId, expiresAt: { gt: now }, lastSeenAt: { gt: new Date(now.getTime() - idleMs) } },
    select: { id: true, userAgent: true, createdAt: true, lastSeenAt: true },
    orderBy: { lastSeenAt: 'desc' },
  });
}

/** Signs a session out: its row goes, so its cookie opens nothing. Only the user's own. */
export async function endSession(db: Database, userId: string, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId, userId } });
}

/** Signs out every session of the user but `keep` (none kept when omitted). */
export async function endOtherSessions(db: Database, userId: string, keep?: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId, ...(keep ? { id: { not: keep } } : {}) } });
  return count;
}

/** Housekeeping: sessions past either expiry. */
export async function deleteExpiredSessions(
  db: Database,
  { idleMs }: SessionSettings,
  now = new Date(),
): Promise<number> {
  const { count } = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: new Date(now.getTime() - idleMs) } }] },
  });
  return count;
}
