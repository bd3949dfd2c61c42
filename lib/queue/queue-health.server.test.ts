import type { PgBoss } from 'pg-boss';
import { describe, expect, it } from 'vitest';
import type { Database } from '../database.server.ts';
import { saveUserAndQueueEmail } from '../signup/register-user.server.ts';
import { withTestServices } from '../testing/test-services.ts';
import { readQueueHealth } from './queue-health.server.ts';

let db: Database;
let boss: PgBoss;
withTestServices((services) => ({ db, boss } = services));

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
