import type { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashConfirmationToken } from '../lib/confirmation/confirmation-token.server.ts';
import { createDatabase, type Database } from '../lib/database.server.ts';
import { createMailer, type Mailer } from '../lib/mail/mailer.server.ts';
import { createBoss, startBoss } from '../lib/queue/boss.server.ts';
import { confirmationEmailQueue } from '../lib/queue/confirmation-email-job.ts';
import { createRateLimits, type RateLimits } from '../lib/rate-limit/rate-limits.server.ts';
import { registerUser } from '../lib/signup/register-user.server.ts';
import { startSmtpSink, type SmtpSink } from '../lib/testing/smtp-sink.ts';
import { createTestDatabase, type TestDatabase } from '../lib/testing/test-database.ts';
import { findFreePort } from '../scripts/local-stack/ports.ts';
import { startConfirmationWorker } from './confirmation-worker.ts';

const appUrl = 'http://app.test';

let testDatabase: TestDatabase;
let db: Database;
let web: PgBoss;
let limits: RateLimits;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  db = createDatabase(testDatabase.url);
  web = await startBoss(createBoss(testDatabase.url, 'web'));
  // Retry quickly, so the retry tests take seconds rather than the production backoff.
  await web.updateQueue(confirmationEmailQueue, { retryDelay: 1, retryBackoff: false });
  limits = createRateLimits(testDatabase.url, { signupsPerMinute: 60, signupsPerClientPer10Minutes: 20 });
});

afterAll(async () => {
  await web.stop({ graceful: false });
  await limits.close();
  await db.$disconnect();
  await testDatabase.drop();
});

let smtp: SmtpSink;
let worker: { boss: PgBoss; mailer: Mailer } | undefined;

async function startWorker(smtpUrl: string) {
  const boss = await startBoss(createBoss(testDatabase.url, 'worker'));
  const mailer = createMailer(smtpUrl);
  await startConfirmationWorker(boss, { db, mailer, appUrl, mailFrom: 'Test <test@app.test>' }, { concurrency: 2 });
  worker = { boss, mailer };
}

beforeEach(async () => {
  smtp = await startSmtpSink();
});

afterEach(async () => {
  await worker?.boss.stop({ graceful: true, timeout: 5_000 });
  worker?.mailer.close();
  worker = undefined;
  await smtp.stop();
});

async function signUp(email: string, name?: string) {
  await registerUser({ db, boss: web, limits }, { email, password: 'correct horse', name });
  return db.user.findUniqueOrThrow({ where: { email } });
}

async function waitForJobState(userId: string, state: string) {
  for (let tries = 0; tries < 400; tries += 1) {
    const [job] = await web.findJobs(confirmationEmailQueue, { data: { userId } });
    if (job?.state === state) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the job for user ${userId} never reached the ${state} state`);
}

function linkIn(text: string): URL {
  const match = /http:\/\/app\.test\/confirm\?token=\S+/.exec(text);
  if (!match) throw new Error(`no confirmation link in: ${text}`);
  return new URL(match[0]);
}

describe('confirmation worker', () => {
  it('sends the confirmation email with a single-use link and stores only the token hash', async () => {
    await startWorker(smtp.url);
    const user = await signUp('ada@example.com', 'Ada');

    const [message] = await smtp.waitForMessages(1);
    expect(message?.subject).toBe('Confirm your email address');
    expect(message?.to).toMatchObject({ text: 'ada@example.com' });
    expect(message?.html).toContain('Hello Ada');
    const token = linkIn(message?.text ?? '').searchParams.get('token') ?? '';

    const stored = await db.confirmationToken.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toBe(hashConfirmationToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const expiresInHours = ((stored[0]?.expiresAt.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(expiresInHours).toBeGreaterThan(23.9);
    expect(expiresInHours).toBeLessThanOrEqual(24);

    const job = await waitForJobState(user.id, 'completed');
    expect(JSON.stringify(job.data)).not.toContain(token);
  });

  it('retries a send the SMTP server refused, then delivers it', async () => {
    smtp.failNext(1);
    await startWorker(smtp.url);
    const user = await signUp('retry@example.com');

    const [message] = await smtp.waitForMessages(1, 20_000);
    expect(message?.to).toMatchObject({ text: 'retry@example.com' });
    const job = await waitForJobState(user.id, 'completed');
    expect(job.retryCount).toBe(1);
  });

  it('accepts sign-ups while the SMTP server is down and delivers once it is back', async () => {
    const port = await findFreePort();
    await startWorker(`smtp://127.0.0.1:${port}`);
    const user = await signUp('outage@example.com');
    expect(user.email).toBe('outage@example.com');

    await waitForJobState(user.id, 'retry');
    // The server comes back; afterEach stops it once the worker has let go of its connections.
    await smtp.stop();
    smtp = await startSmtpSink(port);
    const [message] = await smtp.waitForMessages(1, 20_000);
    expect(message?.to).toMatchObject({ text: 'outage@example.com' });
    await waitForJobState(user.id, 'completed');
  });

  it('sends nothing for an account confirmed while its job waited', async () => {
    const user = await signUp('early@example.com');
    await db.user.update({ where: { id: user.id }, data: { confirmedAt: new Date() } });
    await startWorker(smtp.url);

    await waitForJobState(user.id, 'completed');
    expect(smtp.messages).toHaveLength(0);
  });
});
