import type { PgBoss } from 'pg-boss';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { sendEmailJob } from '../email/send-email-job.ts';
import { addressRequestDelaySeconds, addressRequestJob } from './address-request-job.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { requestConfirmationEmail } from './request-confirmation-email.server.ts';

let db: Database;
let boss: PgBoss;
let limits: RateLimits;
withTestServices((services) => ({ db, boss, limits } = services));

const request = (email: string, clientIp = '192.0.2.1') => requestConfirmationEmail({ boss, limits }, email, clientIp);

/** The payloads of the resend jobs queued for an address. */
async function resendJobsFor(email: string) {
  const jobs = await boss.findJobs(addressRequestJob.name, { data: { email } });
  return jobs.map((job) => job.data);
}

describe('requestConfirmationEmail', () => {
  it('queues the same resend job for every address and answers the same, leaving the worker to decide', async () => {
    await db.user.create({ data: { email: 'pending@example.com', passwordHash: 'x' } });
    await db.user.create({ data: { email: 'confirmed@example.com', passwordHash: 'x', confirmedAt: new Date() } });
    const addresses = ['pending@example.com', 'confirmed@example.com', 'nobody@example.com'];

    const answers = await Promise.all(addresses.map((email) => request(email)));
    expect(answers).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    for (const email of addresses) expect(await resendJobsFor(email)).toEqual([{ email, wants: 'confirmation' }]);
    expect(await db.emailDelivery.count()).toBe(0);
    expect(await boss.findJobs(sendEmailJob.name)).toEqual([]);
  });

  it('queues the job to come due later, when the answer has long gone', async () => {
    await request('later@example.com');
    const [job] = await boss.findJobs(addressRequestJob.name, { data: { email: 'later@example.com' } });
    expect((job?.startAfter.getTime() ?? 0) - (job?.createdOn.getTime() ?? 0)).toBeGreaterThanOrEqual(
      addressRequestDelaySeconds * 1_000,
    );
  });

  it('holds a cooldown per address, for known and unknown addresses alike, from any client', async () => {
    await db.user.create({ data: { email: 'again@example.com', passwordHash: 'x' } });
    for (const email of ['again@example.com', 'stranger@example.com']) {
      expect(await request(email, '192.0.2.10')).toEqual({ allowed: true });
      const second = await request(email, '192.0.2.11');
      expect(second).toMatchObject({ allowed: false });
      expect(!second.allowed && second.retryAfterSeconds).toBeGreaterThan(50);
      expect(await resendJobsFor(email)).toHaveLength(1);
    }
  });

  it('queues nothing once the address has had its hourly share of emails', async () => {
    // Five an hour, from sign-ups and resends together.
    for (let sent = 0; sent < 5; sent += 1)
      expect(await limits.emailTo('flooded@example.com')).toEqual({ allowed: true });

    expect(await request('flooded@example.com', '192.0.2.20')).toMatchObject({ allowed: false });
    expect(await resendJobsFor('flooded@example.com')).toEqual([]);
  });
});
