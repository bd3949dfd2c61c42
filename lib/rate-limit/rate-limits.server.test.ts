import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.ts';
import { createDatabase, type Database } from '../db/database.server.ts';
import { createLogger } from '../logging/logger.server.ts';
import { createRateLimits, deleteExpiredCounters, type RateLimits } from './rate-limits.server.ts';

const logger = createLogger('web');

let testDatabase: TestDatabase;
// Two sets of limits on two connection pools: what two web processes sharing one database have.
let processA: RateLimits;
let processB: RateLimits;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  processA = createRateLimits(testDatabase.url, { signupsPerMinute: 30, signupsPerClientPer10Minutes: 20 }, logger);
  processB = createRateLimits(testDatabase.url, { signupsPerMinute: 30, signupsPerClientPer10Minutes: 20 }, logger);
});

afterAll(async () => {
  await processA.close();
  await processB.close();
  await testDatabase.drop();
});

const allowedCount = (verdicts: { allowed: boolean }[]) => verdicts.filter((verdict) => verdict.allowed).length;

describe('rate limits shared by two processes', () => {
  it('hold the per-client sign-up limit across both, even under concurrent attempts', async () => {
    const attempts = Array.from({ length: 30 }, (_, i) => (i % 2 ? processA : processB).signupAttempt('203.0.113.10'));
    const verdicts = await Promise.all(attempts);
    expect(allowedCount(verdicts)).toBe(20);
    const refused = verdicts.find((verdict) => !verdict.allowed);
    expect(refused).toMatchObject({ allowed: false });
    expect(refused && !refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(500);
    expect((await processA.signupAttempt('203.0.113.11')).allowed).toBe(true);
  });

  it('hold the global sign-up limit across all clients', async () => {
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? processA : processB).signupAttempt(`198.51.100.${i}`)),
    );
    // The global budget is 30 a minute, and the 21 attempts the previous test let through used up 21 of it.
    expect(allowedCount(verdicts)).toBe(30 - 21);
  });

  it('let an address have one resend a minute, and a client five an hour', async () => {
    expect(await processA.resendAttempt('192.0.2.1', 'a@example.com')).toEqual({ allowed: true });
    const again = await processB.resendAttempt('192.0.2.2', 'a@example.com');
    expect(again.allowed).toBe(false);
    expect(!again.allowed && again.retryAfterSeconds).toBeLessThanOrEqual(60);

    const fromOneClient = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? processA : processB).resendAttempt('192.0.2.3', `r${i}@example.com`),
      ),
    );
    expect(allowedCount(fromOneClient)).toBe(5);
  });

  it('let at most five emails an hour go to one address, whoever asks', async () => {
    const verdicts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? processA : processB).emailTo('owner@example.com')),
    );
    expect(allowedCount(verdicts)).toBe(5);
  });

  it('store digests, never the address or the IP', async () => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: testDatabase.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string }>('SELECT key FROM rate_limit.counters');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((row) => row.key).join(' ')).not.toMatch(/example\.com|203\.0\.113/);
    } finally {
      await client.end();
    }
  });

  it('leave their counters to the housekeeping, which deletes only those whose window has passed', async () => {
    const db: Database = createDatabase(testDatabase.url);
    try {
      const counters = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) FROM rate_limit.counters`;
      const live = Number(counters[0]?.count);
      expect(live).toBeGreaterThan(0);
      expect(await deleteExpiredCounters(db)).toBe(0);
      // The longest window is an hour.
      expect(await deleteExpiredCounters(db, new Date(Date.now() + 60 * 60 * 1000 + 1))).toBe(live);
    } finally {
      await db.$disconnect();
    }
  });
});
