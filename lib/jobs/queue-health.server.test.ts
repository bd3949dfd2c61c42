import type { PgBoss } from 'pg-boss';
import type { Outbox } from '../email/outbox.server.ts';
import { describe, expect, it } from 'vitest';
import { requestConfirmationEmail } from '../accounts/request-confirmation-email.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { saveUserAndQueueEmail } from '../accounts/register-user.server.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { addressRequestJob } from '../accounts/address-request-job.ts';
import { sendEmailJob } from '../email/send-email-job.ts';
import { jobs } from '../job-registry.server.ts';
import { readQueueHealth } from './queue-health.server.ts';

let boss: PgBoss;
let outbox: Outbox;
let limits: RateLimits;
withTestServices((services) => ({ boss, limits, outbox } = services));

const emails = sendEmailJob.name;
const resends = addressRequestJob.name;

describe('readQueueHealth', () => {
  it('reports every declared queue, a dead-letter count for those that have one', async () => {
    const health = await readQueueHealth(boss, jobs);
    expect(Object.keys(health).sort()).toEqual(jobs.map((job) => job.name).sort());
    expect(health[emails]).toEqual({ waiting: 0, active: 0, oldestWaitingSeconds: 0, deadLettered: 0 });
    expect(health[resends]).not.toHaveProperty('deadLettered');
  });

  it('reports the age of the oldest email waiting', async () => {
    await saveUserAndQueueEmail({ outbox }, { email: 'waiting@example.com', password: 'correct horse' }, 'not-a-hash');
    const inAMinute = Date.now() + 60_000;
    expect((await readQueueHealth(boss, jobs, inAMinute))[emails]?.oldestWaitingSeconds).toBeGreaterThanOrEqual(59);
  });

  it('reports the resend requests waiting for a worker apart from the emails', async () => {
    expect((await readQueueHealth(boss, jobs))[resends]?.oldestWaitingSeconds).toBe(0);
    await requestConfirmationEmail({ boss, limits }, 'resend-waiting@example.com', '192.0.2.7');
    const inAMinute = Date.now() + 60_000;
    expect((await readQueueHealth(boss, jobs, inAMinute))[resends]?.oldestWaitingSeconds).toBeGreaterThanOrEqual(59);
  });
});
