import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.server.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.ts';
import { createSendRate, type SendRate } from './send-rate.server.ts';

let testDatabase: TestDatabase;
// Two workers' budgets on one database: the rate is theirs together.
let workerA: SendRate;
let workerB: SendRate;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  workerA = createSendRate(testDatabase.url, 'email-send', 10, createLogger('worker'));
  workerB = createSendRate(testDatabase.url, 'email-send', 10, createLogger('worker'));
});

afterAll(async () => {
  await workerA.close();
  await workerB.close();
  await testDatabase.drop();
});

describe('the global send rate', () => {
  it('lets the workers together send no more than the rate, and makes the rest wait for the next second', async () => {
    const started = performance.now();
    const tookAt: number[] = [];
    await Promise.all(
      Array.from({ length: 25 }, async (_, index) => {
        await (index % 2 ? workerA : workerB).take();
        tookAt.push(performance.now() - started);
      }),
    );
    tookAt.sort((a, b) => a - b);
    // 10 a second: the 11th waits for the second window and the 21st for the third.
    expect(tookAt).toHaveLength(25);
    expect(tookAt[20]! - (tookAt[0] ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(tookAt.filter((at) => at - (tookAt[0] ?? 0) < 900)).toHaveLength(10);
  });
});
