import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../database.server.ts';
import { saveUserAndQueueEmail } from '../signup/register-user.server.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { createBoss, startBoss } from './boss.server.ts';
import { readQueueHealth } from './queue-health.server.ts';

let testDatabase: TestDatabase;
let db: Database;
let boss: PgBoss;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  db = createDatabase(testDatabase.url);
  boss = await startBoss(createBoss(testDatabase.url, 'web'));
});

afterAll(async () => {
  await boss.stop({ graceful: false });
  await db.$disconnect();
  await testDatabase.drop();
});

describe('readQueueHealth', () => {
  it('reports an empty queue, then the age of the oldest email waiting', async () => {
    expect(await readQueueHealth(boss)).toMatchObject({ deadLettered: 0, oldestWaitingSeconds: 0 });

    await saveUserAndQueueEmail(
      { db, boss },
      { email: 'waiting@example.com', password: 'correct horse' },
      'not-a-hash',
    );
    const inAMinute = Date.now() + 60_000;
    expect((await readQueueHealth(boss, inAMinute)).oldestWaitingSeconds).toBeGreaterThanOrEqual(59);
  });
});
