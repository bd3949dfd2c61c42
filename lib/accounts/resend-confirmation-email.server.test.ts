import type { PgBoss } from 'pg-boss';
import type { Outbox } from '../email/outbox.server.ts';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { sendEmailJob } from '../email/send-email-job.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { resendConfirmationEmail } from './resend-confirmation-email.server.ts';

let db: Database;
let boss: PgBoss;
let outbox: Outbox;
withTestServices((services) => ({ db, boss, outbox } = services));

/** The user's emails, as kind and request key, each with how many jobs it has in the queue. */
async function emailsFor(userId: string) {
  const deliveries = await db.emailDelivery.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  return Promise.all(
    deliveries.map(async ({ id, kind, requestKey }) => {
      const jobs = await boss.findJobs(sendEmailJob.name, { data: { deliveryId: id } });
      return { kind, requestKey, jobs: jobs.length };
    }),
  );
}

describe('resendConfirmationEmail', () => {
  it('queues a confirmation email for an unconfirmed account, one per request however often it runs', async () => {
    const user = await db.user.create({ data: { email: 'pending@example.com', passwordHash: 'x' } });
    const resend = (requestKey: string) =>
      resendConfirmationEmail({ db, outbox }, { email: 'pending@example.com', requestKey });

    const first = await resend('job-1');
    expect(first).toEqual({ status: 'queued', deliveryId: expect.any(String) });
    expect(await resend('job-1')).toEqual(first);
    expect(await resend('job-2')).toMatchObject({ status: 'queued' });
    expect(await emailsFor(user.id)).toEqual([
      { kind: 'confirm', requestKey: 'job-1', jobs: 1 },
      { kind: 'confirm', requestKey: 'job-2', jobs: 1 },
    ]);
  });

  it('queues nothing for a confirmed account or an address without one', async () => {
    const confirmed = await db.user.create({
      data: { email: 'confirmed@example.com', passwordHash: 'x', confirmedAt: new Date() },
    });
    const jobsBefore = await boss.findJobs(sendEmailJob.name);

    for (const email of ['confirmed@example.com', 'nobody@example.com']) {
      expect(await resendConfirmationEmail({ db, outbox }, { email, requestKey: `job-${email}` })).toEqual({
        status: 'no-unconfirmed-account',
      });
    }
    expect(await emailsFor(confirmed.id)).toEqual([]);
    expect(await boss.findJobs(sendEmailJob.name)).toHaveLength(jobsBefore.length);
  });
});
