import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { createMailer, type Mailer } from './mailer.server.ts';
import { createOutbox, type Outbox } from './outbox.server.ts';
import { sendEmailJob } from './send-email-job.ts';
import { sendEmail } from './send-email.server.ts';
import { createSendRecorder, type SendRecorder } from './send-recorder.server.ts';
import { createLogger } from '../logging/logger.server.ts';

let db: Database;
let boss: PgBoss;
let deferred: Outbox;
let url: string;
withTestServices((services) => ({ url, db, boss, outbox: deferred } = services));

let smtp: SmtpSink;
let mailer: Mailer;
let recorder: SendRecorder;
beforeAll(async () => {
  smtp = await startSmtpSink();
  mailer = createMailer(smtp.url, 5);
  recorder = createSendRecorder(url, createLogger('web'));
});
afterAll(async () => {
  mailer.close();
  await recorder.close();
  await smtp.stop();
});

let userCount = 0;
async function newUser() {
  userCount += 1;
  return db.user.create({ data: { email: `outbox${userCount}@example.com`, passwordHash: 'x' } });
}

const jobsFor = (deliveryId: string) => boss.findJobs(sendEmailJob.name, { data: { deliveryId } });

describe('the outbox, deferred (the product)', () => {
  it("commits the email's record and its job with the caller's transaction", async () => {
    const user = await newUser();
    const { deliveryId } = await deferred.transaction((_tx, queueEmail) =>
      queueEmail({ userId: user.id, kind: 'confirm' }),
    );
    expect(await db.emailDelivery.findUnique({ where: { id: deliveryId } })).toMatchObject({ status: 'queued' });
    expect((await jobsFor(deliveryId)).map((job) => job.data)).toEqual([{ deliveryId, kind: 'confirm' }]);
  });

  it('keeps neither when the transaction rolls back', async () => {
    const user = await newUser();
    let queued: string | undefined;
    await expect(
      deferred.transaction(async (_tx, queueEmail) => {
        ({ deliveryId: queued } = await queueEmail({ userId: user.id, kind: 'confirm' }));
        throw new Error('something after the email failed');
      }),
    ).rejects.toThrow('something after the email failed');
    expect(queued).toBeDefined();
    expect(await db.emailDelivery.count({ where: { userId: user.id } })).toBe(0);
    expect(await jobsFor(queued ?? '')).toHaveLength(0);
  });

  it('records a withheld email as skipped and queues nothing for it', async () => {
    const user = await newUser();
    const { deliveryId } = await deferred.transaction((_tx, queueEmail) =>
      queueEmail({ userId: user.id, kind: 'already_registered', withhold: true }),
    );
    expect(await db.emailDelivery.findUnique({ where: { id: deliveryId } })).toMatchObject({ status: 'skipped' });
    expect(await jobsFor(deliveryId)).toHaveLength(0);
  });

  it('writes, records and queues in one statement: all of it, or none when any part fails', async () => {
    userCount += 1;
    const userId = randomUUID();
    const email = `outbox${userCount}@example.com`;
    const writeUser = (emailFor: string) => Prisma.sql`
      made AS (INSERT INTO users (id, email, password_hash) VALUES (${userId}::uuid, ${email}, 'x') RETURNING id),
      email_request AS (
        SELECT ${emailFor}::uuid AS user_id, NULL::text AS recipient, 'confirm' AS kind, false AS withhold FROM made)`;
    // The email names an account that does not exist: its record breaks a foreign key, after the user's insert.
    await expect(deferred.writeWithEmail(writeUser(randomUUID()))).rejects.toThrow();
    expect(await db.user.count({ where: { email } })).toBe(0);

    const written = await deferred.writeWithEmail(writeUser(userId));
    expect(written).toMatchObject({ userId, kind: 'confirm' });
    expect(await db.emailDelivery.findUnique({ where: { id: written.deliveryId } })).toMatchObject({
      userId,
      status: 'queued',
    });
    expect((await jobsFor(written.deliveryId)).map((job) => job.data)).toEqual([
      { deliveryId: written.deliveryId, kind: 'confirm' },
    ]);
  });
});

describe('the outbox, sending in the request (the benchmark baseline)', () => {
  const inRequest = () => {
    const mail = { db, mailer, recorder, appUrl: 'http://app.test', mailFrom: 'Test <test@app.test>' };
    return createOutbox({ db, boss }, { mode: 'in-request', send: (attempt) => sendEmail(mail, attempt) });
  };

  it('has sent the email by the time it returns, and queues nothing', async () => {
    const user = await newUser();
    const before = smtp.messages.length;
    const { deliveryId } = await inRequest().transaction((_tx, queueEmail) =>
      queueEmail({ userId: user.id, kind: 'confirm' }),
    );
    expect(smtp.messages.slice(before).map((message) => message.subject)).toEqual(['Confirm your email address']);
    expect(await db.emailDelivery.findUnique({ where: { id: deliveryId } })).toMatchObject({ status: 'sent' });
    expect(await jobsFor(deliveryId)).toHaveLength(0);
  });

  it('has sent the email of a one-statement write by the time it returns, and queues nothing', async () => {
    const user = await newUser();
    const before = smtp.messages.length;
    const { deliveryId } = await inRequest().writeWithEmail(
      Prisma.sql`email_request AS (
        SELECT ${user.id}::uuid AS user_id, NULL::text AS recipient, 'confirm' AS kind, false AS withhold)`,
    );
    expect(smtp.messages.slice(before).map((message) => message.subject)).toEqual(['Confirm your email address']);
    expect(await db.emailDelivery.findUnique({ where: { id: deliveryId } })).toMatchObject({ status: 'sent' });
    expect(await jobsFor(deliveryId)).toHaveLength(0);
  });

  it('fails the request when the SMTP server refuses, after the data was saved', async () => {
    const user = await newUser();
    smtp.failNext(1, 'permanent');
    await expect(
      inRequest().transaction((_tx, queueEmail) => queueEmail({ userId: user.id, kind: 'confirm' })),
    ).rejects.toThrow(/not sent/);
    expect(await db.emailDelivery.findMany({ where: { userId: user.id } })).toMatchObject([{ status: 'failed' }]);
  });
});
