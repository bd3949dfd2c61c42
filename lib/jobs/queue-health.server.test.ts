import type { PgBoss } from 'pg-boss';
import { describe, expect, it } from 'vitest';
import { requestConfirmationEmail } from '../accounts/request-confirmation-email.server.ts';
import type { Database } from '../db/database.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { saveUserAndQueueEmail } from '../accounts/register-user.server.ts';
import { withTestServices } from '../testing/test-services.ts';
import { readQueueHealth } from './queue-health.server.ts';

let db: Database;
let boss: PgBoss;
let limits: RateLimits;
withTestServices((services) => ({ db, boss, limits } = services));

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

  it('reports the resend requests waiting for a worker apart from the emails', async () => {
    expect((await readQueueHealth(boss)).resends.oldestWaitingSeconds).toBe(0);
    await requestConfirmationEmail({ boss, limits }, 'resend-waiting@example.com', '192.0.2.7');
    const inAMinute = Date.now() + 60_000;
    expect((await readQueueHealth(boss, inAMinute)).resends.oldestWaitingSeconds).toBeGreaterThanOrEqual(59);
  });
});
