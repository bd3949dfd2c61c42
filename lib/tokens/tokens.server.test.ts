import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { withTestDatabase } from '../../testing/test-services.ts';
import { consumeToken, deleteDeadTokens, findToken, generateToken, hashToken, issueToken } from './tokens.server.ts';

let db: Database;
withTestDatabase((database) => ({ db } = database));

let userCount = 0;
async function newUser(): Promise<string> {
  userCount += 1;
  const user = await db.user.create({ data: { email: `token${userCount}@example.com`, passwordHash: 'x' } });
  return user.id;
}

describe('tokens', () => {
  it('are 32 random bytes in URL-safe base64 that do not repeat', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 1000 }, generateToken)).size).toBe(1000);
  });

  it('hash to a stable SHA-256 digest that differs from the token', () => {
    const token = generateToken();
    const digest = hashToken(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(hashToken(token));
    expect(digest).not.toContain(token);
    expect(hashToken(generateToken())).not.toBe(digest);
  });

  it('are stored as their digest only, with the purpose’s lifetime', async () => {
    const userId = await newUser();
    const now = new Date();
    const { token, expiresAt } = await issueToken(db, userId, 'confirm-email', now);
    expect(expiresAt.getTime() - now.getTime()).toBe(24 * 60 * 60 * 1000);
    const rows = await db.token.findMany({ where: { userId } });
    expect(rows).toEqual([
      expect.objectContaining({ purpose: 'confirm-email', tokenHash: hashToken(token), expiresAt }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('work only while they are the newest of their purpose for the user', async () => {
    const userId = await newUser();
    const first = await issueToken(db, userId, 'confirm-email');
    const second = await issueToken(db, userId, 'confirm-email');
    expect(await findToken(db, first.token, 'confirm-email')).toBeUndefined();
    expect(await findToken(db, second.token, 'confirm-email')).toMatchObject({ userId, usedAt: null });
  });

  it('are used once: of two concurrent uses exactly one gets the user', async () => {
    const userId = await newUser();
    const { token } = await issueToken(db, userId, 'confirm-email');
    const uses = await Promise.all([1, 2].map(() => db.$transaction((tx) => consumeToken(tx, token, 'confirm-email'))));
    expect(uses.filter((use) => use?.userId === userId)).toHaveLength(1);
    expect(uses.filter((use) => use === undefined)).toHaveLength(1);
    expect((await findToken(db, token, 'confirm-email'))?.usedAt).toBeInstanceOf(Date);
  });

  it('are not used past their expiry, nor when the user does not match', async () => {
    const userId = await newUser();
    const now = new Date();
    const { token } = await issueToken(db, userId, 'confirm-email', now);
    const later = new Date(now.getTime() + 24 * 60 * 60 * 1000 + 1);
    expect(await db.$transaction((tx) => consumeToken(tx, token, 'confirm-email', { now: later }))).toBeUndefined();
    expect(
      await db.$transaction((tx) => consumeToken(tx, token, 'confirm-email', { user: { confirmedAt: { not: null } } })),
    ).toBeUndefined();
    expect(await db.$transaction((tx) => consumeToken(tx, token, 'confirm-email'))).toEqual({ userId, target: null });
  });

  it('are deleted a day after they expired, not before', async () => {
    const userId = await newUser();
    const now = new Date();
    const { token } = await issueToken(db, userId, 'confirm-email', now);
    const justExpired = new Date(now.getTime() + 24 * 60 * 60 * 1000 + 1);
    await deleteDeadTokens(db, justExpired);
    expect(await findToken(db, token, 'confirm-email')).toBeDefined();
    expect(await deleteDeadTokens(db, new Date(justExpired.getTime() + 24 * 60 * 60 * 1000))).toBeGreaterThan(0);
    expect(await findToken(db, token, 'confirm-email')).toBeUndefined();
  });
});
