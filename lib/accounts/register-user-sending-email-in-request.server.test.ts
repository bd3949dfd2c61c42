import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../db/database.server.ts';
import { createMailer, type Mailer } from '../email/mailer.server.ts';
import { createBoss, startBoss } from '../jobs/boss.server.ts';
import { confirmationEmailQueue } from '../jobs/confirmation-email-job.ts';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { registerUserSendingEmailInRequest } from './register-user-sending-email-in-request.server.ts';

let testDatabase: TestDatabase;
let db: Database;
let boss: PgBoss;
let smtp: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  db = createDatabase(testDatabase.url);
  boss = await startBoss(createBoss(testDatabase.url, 'web'));
  smtp = await startSmtpSink();
  mailer = createMailer(smtp.url);
});

afterAll(async () => {
  mailer.close();
  await smtp.stop();
  await boss.stop({ graceful: false });
  await db.$disconnect();
  await testDatabase.drop();
});

describe('registerUserSendingEmailInRequest (the benchmark baseline)', () => {
  it('has sent the same confirmation email by the time it returns, and queues nothing', async () => {
    const mail = { db, mailer, appUrl: 'http://app.test', mailFrom: 'Test <test@app.test>' };
    await registerUserSendingEmailInRequest(mail, { email: 'inline@example.com', password: 'correct horse' });

    expect(smtp.messages.map((message) => message.subject)).toEqual(['Confirm your email address']);
    expect(smtp.messages[0]?.text).toMatch(/http:\/\/app\.test\/confirm\?token=/);
    const user = await db.user.findUniqueOrThrow({ where: { email: 'inline@example.com' } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await boss.findJobs(confirmationEmailQueue)).toHaveLength(0);

    await registerUserSendingEmailInRequest(mail, { email: 'inline@example.com', password: 'other password' });
    expect(smtp.messages.map((message) => message.subject)).toEqual([
      'Confirm your email address',
      'You already have an account',
    ]);
  });
});
