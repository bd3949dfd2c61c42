import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { hashToken } from '../tokens/tokens.server.ts';
import { hashPassword } from './password.server.ts';
import { findSession } from './sessions.server.ts';
import { signIn } from './sign-in.server.ts';

let db: Database;
let limits: RateLimits;
withTestServices((services) => ({ db, limits } = services));

const sessions = { idleMs: 10 * 24 * 60 * 60 * 1000, absoluteMs: 30 * 24 * 60 * 60 * 1000 };
const password = 'correct horse battery staple';
let clients = 0;

async function account(email: string, { confirmed = true } = {}) {
  return db.user.create({
    data: { email, passwordHash: await hashPassword(password), confirmedAt: confirmed ? new Date() : null },
  });
}

function attempt(email: string, typed = password, clientIp = `198.51.100.${(clients += 1)}`) {
  return signIn({ db, limits, sessions }, { fields: { email, password: typed }, clientIp, userAgent: 'test agent' });
}

describe('signIn', () => {
  it('opens a new session for the right password, storing only its token digest', async () => {
    const user = await account('right@example.com');
    const first = await attempt('Right@Example.com');
    const second = await attempt('right@example.com');
    if (first.status !== 'success' || second.status !== 'success') throw new Error('expected two sign-ins');
    expect(first.token).not.toBe(second.token);
    const stored = await db.session.findMany({ where: { userId: user.id } });
    expect(stored.map((session) => session.tokenHash).sort()).toEqual(
      [hashToken(first.token), hashToken(second.token)].sort(),
    );
    expect(JSON.stringify(stored)).not.toContain(first.token);
    expect((await findSession(db, first.token, sessions))?.user).toMatchObject({ id: user.id });
  });

  it('answers a wrong password and an unknown address alike', async () => {
    await account('known@example.com');
    expect(await attempt('known@example.com', 'not the password')).toEqual({ status: 'wrong-credentials' });
    expect(await attempt('nobody@example.com')).toEqual({ status: 'wrong-credentials' });
  });

  it('says an address is unconfirmed only after its right password', async () => {
    await account('pending@example.com', { confirmed: false });
    expect(await attempt('pending@example.com', 'not the password')).toEqual({ status: 'wrong-credentials' });
    expect(await attempt('pending@example.com')).toEqual({ status: 'unconfirmed', email: 'pending@example.com' });
    expect(await db.session.count({ where: { user: { email: 'pending@example.com' } } })).toBe(0);
  });

  it('takes the password as sign-up stored it (NFKC)', async () => {
    const user = await db.user.create({
      data: { email: 'accents@example.com', passwordHash: await hashPassword('café au lait'), confirmedAt: new Date() },
    });
    // "é" typed as e + combining acute accent is the same password.
    expect(await attempt('accents@example.com', 'cafe\u0301 au lait')).toMatchObject({ status: 'success' });
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it('slows guessing per account and client with a clear wait, without locking the account', async () => {
    await account('guessed@example.com');
    const verdicts = [];
    for (let i = 0; i < 11; i += 1) verdicts.push(await attempt('guessed@example.com', `guess ${i}`, '203.0.113.50'));
    expect(verdicts.slice(0, 10).every((verdict) => verdict.status === 'wrong-credentials')).toBe(true);
    expect(verdicts[10]).toMatchObject({ status: 'rate-limited', retryAfterSeconds: expect.any(Number) });
    // The owner, from another client, still gets in.
    expect(await attempt('guessed@example.com')).toMatchObject({ status: 'success' });
  });

  it('refuses malformed fields with a message per field', async () => {
    expect(await attempt('not an address', '')).toMatchObject({
      status: 'invalid',
      errors: { email: [expect.any(String)], password: ['Enter your password.'] },
    });
  });
});
