import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { withTestDatabase } from '../../testing/test-services.ts';
import { checkConfirmationToken, confirmEmail } from './confirm-email.server.ts';
import { generateToken, hashToken } from '../tokens/tokens.server.ts';

let db: Database;
withTestDatabase((database) => ({ db } = database));

let userCount = 0;
async function userWithToken(expiresInMs = 60_000): Promise<{ userId: string; token: string }> {
  userCount += 1;
  const user = await db.user.create({
    data: { email: `user${userCount}@example.com`, passwordHash: 'not-a-real-hash' },
  });
  const token = generateToken();
  await db.token.create({
    data: {
      userId: user.id,
      purpose: 'confirm-email',
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + expiresInMs),
    },
  });
  return { userId: user.id, token };
}

describe('checkConfirmationToken', () => {
  it('tells valid, expired and unknown tokens apart without using them up', async () => {
    const valid = await userWithToken();
    const expired = await userWithToken(-1);
    expect(await checkConfirmationToken(db, valid.token)).toBe('valid');
    expect(await checkConfirmationToken(db, valid.token)).toBe('valid');
    expect(await checkConfirmationToken(db, expired.token)).toBe('expired');
    expect(await checkConfirmationToken(db, generateToken())).toBe('invalid');
  });
});

describe('confirmEmail', () => {
  it('confirms the user once, then reports the address as already confirmed', async () => {
    const { userId, token } = await userWithToken();
    expect(await confirmEmail(db, token)).toEqual({
      status: 'confirmed',
      email: expect.stringMatching(/@example\.com$/),
    });
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(user.confirmedAt).toBeInstanceOf(Date);
    expect((await confirmEmail(db, token)).status).toBe('already-confirmed');
    expect(await checkConfirmationToken(db, token)).toBe('already-confirmed');
  });

  it("spends all of the user's tokens on confirmation", async () => {
    const { userId, token } = await userWithToken();
    const other = generateToken();
    await db.token.create({
      data: { userId, purpose: 'confirm-email', tokenHash: hashToken(other), expiresAt: new Date(Date.now() + 60_000) },
    });
    expect((await confirmEmail(db, token)).status).toBe('confirmed');
    const unused = await db.token.count({ where: { userId, usedAt: null } });
    expect(unused).toBe(0);
    expect((await confirmEmail(db, other)).status).toBe('already-confirmed');
  });

  it('refuses an expired token and leaves the user unconfirmed', async () => {
    const { userId, token } = await userWithToken(-1);
    expect((await confirmEmail(db, token)).status).toBe('expired');
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).confirmedAt).toBeNull();
  });

  it('refuses an unknown token', async () => {
    expect((await confirmEmail(db, generateToken())).status).toBe('invalid');
  });

  it('lets exactly one of two concurrent confirmations succeed', async () => {
    const { token } = await userWithToken();
    const results = await Promise.all([confirmEmail(db, token), confirmEmail(db, token)]);
    expect(results.map((result) => result.status).sort()).toEqual(['already-confirmed', 'confirmed']);
  });
});
