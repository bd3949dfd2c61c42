import type { PgBoss } from 'pg-boss';
import type { Outbox } from '../email/outbox.server.ts';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { sendEmailJob } from '../email/send-email-job.ts';
import { runAdmin } from '../../testing/test-database.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { registerUser } from './register-user.server.ts';

let databaseUrl: string;
let db: Database;
let boss: PgBoss;
let outbox: Outbox;
let limits: RateLimits;
withTestServices((services) => ({ url: databaseUrl, db, boss, limits, outbox } = services));

/** The emails queued for a user, as kind and job, oldest first. */
async function emailsFor(userId: string) {
  const deliveries = await db.emailDelivery.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  return Promise.all(
    deliveries.map(async ({ id, kind, status }) => {
      const jobs = await boss.findJobs<{ deliveryId: string }>(sendEmailJob.name, { data: { deliveryId: id } });
      return { kind, status, jobs: jobs.length };
    }),
  );
}

describe('registerUser', () => {
  it('saves the user with a hashed password and queues one confirmation email', async () => {
    await registerUser({ outbox, limits }, { email: 'new@example.com', password: 'correct horse' });
    const user = await db.user.findUniqueOrThrow({ where: { email: 'new@example.com' } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain('correct horse');
    expect(user.confirmedAt).toBeNull();
    expect(await emailsFor(user.id)).toEqual([{ kind: 'confirm', status: 'queued', jobs: 1 }]);
  });

  it('keeps one account per address and tells its owner instead', async () => {
    await registerUser({ outbox, limits }, { email: 'twice@example.com', password: 'first password', name: 'First' });
    await registerUser({ outbox, limits }, { email: 'twice@example.com', password: 'second password', name: 'Second' });
    const users = await db.user.findMany({ where: { email: 'twice@example.com' } });
    expect(users).toHaveLength(1);
    const [user] = users;
    expect(user?.name).toBe('First');
    expect(await emailsFor(user!.id)).toEqual([
      { kind: 'confirm', status: 'queued', jobs: 1 },
      { kind: 'already_registered', status: 'queued', jobs: 1 },
    ]);
  });

  it('queues one email for a request submitted twice with the same key, and answers both alike', async () => {
    const input = { email: 'double@example.com', password: 'correct horse' };
    const answers = await Promise.all([
      registerUser({ outbox, limits }, input, { requestKey: 'form-1' }),
      registerUser({ outbox, limits }, input, { requestKey: 'form-1' }),
    ]);
    const again = await registerUser({ outbox, limits }, input, { requestKey: 'form-1' });
    const user = await db.user.findUniqueOrThrow({ where: { email: 'double@example.com' } });
    expect(await emailsFor(user.id)).toEqual([{ kind: 'confirm', status: 'queued', jobs: 1 }]);
    expect(answers[1]).toEqual(answers[0]);
    expect(again).toEqual(answers[0]);
  });

  it('does not let another address share a request key', async () => {
    await registerUser(
      { outbox, limits },
      { email: 'one@example.com', password: 'correct horse' },
      { requestKey: 'k' },
    );
    await registerUser(
      { outbox, limits },
      { email: 'two@example.com', password: 'correct horse' },
      { requestKey: 'k' },
    );
    const two = await db.user.findUniqueOrThrow({ where: { email: 'two@example.com' } });
    expect(await emailsFor(two.id)).toEqual([{ kind: 'confirm', status: 'queued', jobs: 1 }]);
  });

  it('stops telling the owner of an address after five emails in an hour, and answers alike', async () => {
    const answers = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      answers.push(await registerUser({ outbox, limits }, { email: 'flooded@example.com', password: 'some password' }));
    }
    const user = await db.user.findUniqueOrThrow({ where: { email: 'flooded@example.com' } });
    // The first sign-up's confirmation counts as one of the five; the rest are recorded, not sent.
    const emails = await emailsFor(user.id);
    expect(emails.map(({ jobs }) => jobs)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(emails.slice(5).map(({ status }) => status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(answers.every((answer) => typeof answer.deliveryId === 'string')).toBe(true);
  });

  it('stores neither the user nor the job when the transaction fails after both were written', async () => {
    // A deferred constraint trigger fails at COMMIT, after the user row and the job row exist.
    await runAdmin(
      databaseUrl,
      `CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'forced failure at commit'; END $$;
       CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON users
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit();`,
    );
    const jobsBefore = await boss.findJobs(sendEmailJob.name);
    try {
      await expect(
        registerUser({ outbox, limits }, { email: 'doomed@example.com', password: 'correct horse' }),
      ).rejects.toThrow(/forced failure at commit/);
    } finally {
      await runAdmin(databaseUrl, 'DROP TRIGGER fail_commit ON users; DROP FUNCTION fail_commit();');
    }
    expect(await db.user.findUnique({ where: { email: 'doomed@example.com' } })).toBeNull();
    expect(await boss.findJobs(sendEmailJob.name)).toHaveLength(jobsBefore.length);
  });
});
