import type { PgBoss } from 'pg-boss';
import { describe, expect, it } from 'vitest';
import type { Database } from '../database.server.ts';
import { confirmationEmailQueue } from '../queue/confirmation-email-job.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { withTestServices } from '../testing/test-services.ts';
import { requestConfirmationEmail } from './request-confirmation-email.server.ts';

let db: Database;
let boss: PgBoss;
let limits: RateLimits;
withTestServices((services) => ({ db, boss, limits } = services));

const request = (email: string, clientIp = '192.0.2.1') =>
  requestConfirmationEmail({ db, boss, limits }, email, clientIp);

/** The user's delivery records that have a job in the queue. */
async function queuedEmailsFor(userId: string): Promise<number> {
  const deliveries = await db.emailDelivery.findMany({ where: { userId }, select: { id: true } });
  const jobs = await Promise.all(
    deliveries.map(({ id }) => boss.findJobs(confirmationEmailQueue, { data: { deliveryId: id } })),
  );
  return jobs.flat().length;
}

describe('requestConfirmationEmail', () => {
  it('queues an email only for an unconfirmed account, and answers the same for any address', async () => {
    const pending = await db.user.create({ data: { email: 'pending@example.com', passwordHash: 'x' } });
    const confirmed = await db.user.create({
      data: { email: 'confirmed@example.com', passwordHash: 'x', confirmedAt: new Date() },
    });

    const answers = await Promise.all(
      ['pending@example.com', 'confirmed@example.com', 'nobody@example.com'].map((email) => request(email)),
    );
    expect(answers).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(await queuedEmailsFor(pending.id)).toBe(1);
    expect(await queuedEmailsFor(confirmed.id)).toBe(0);
  });

  it('holds a cooldown per address, for known and unknown addresses alike, from any client', async () => {
    await db.user.create({ data: { email: 'again@example.com', passwordHash: 'x' } });
    for (const email of ['again@example.com', 'stranger@example.com']) {
      expect(await request(email, '192.0.2.10')).toEqual({ allowed: true });
      const second = await request(email, '192.0.2.11');
      expect(second).toMatchObject({ allowed: false });
      expect(!second.allowed && second.retryAfterSeconds).toBeGreaterThan(50);
    }
  });
});
