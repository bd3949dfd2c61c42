import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../lib/config/config.server.ts';
import { confirmEmail } from '../lib/accounts/confirm-email.server.ts';
import { hashToken } from '../lib/tokens/tokens.server.ts';
import { requestConfirmationEmail } from '../lib/accounts/request-confirmation-email.server.ts';
import { resendConfirmationEmail } from '../lib/accounts/resend-confirmation-email.server.ts';
import { createDatabase, type Database } from '../lib/db/database.server.ts';
import { createLogger } from '../lib/logging/logger.server.ts';
import { claimForSending, sendClaimLeaseMs } from '../lib/email/delivery-record.server.ts';
import { createMailer } from '../lib/email/mailer.server.ts';
import { createSendRecorder } from '../lib/email/send-recorder.server.ts';
import { createOutbox, type Outbox } from '../lib/email/outbox.server.ts';
import { sendEmail } from '../lib/email/send-email.server.ts';
import { cleanupJob } from '../lib/housekeeping/cleanup-job.ts';
import { jobs } from '../lib/job-registry.server.ts';
import { issueToken } from '../lib/tokens/tokens.server.ts';
import { createBoss, startBoss } from '../lib/jobs/boss.server.ts';
import { bulkJobsAtOnce, sendEmailJob } from '../lib/email/send-email-job.ts';
import { deadLetterQueueOf } from '../lib/jobs/job-definition.ts';
import { addressRequestJob } from '../lib/accounts/address-request-job.ts';
import { listDeadLetters, replayDeadLetters } from '../lib/jobs/dead-letters.server.ts';
import { createRateLimits, type RateLimits } from '../lib/rate-limit/rate-limits.server.ts';
import { registerUser } from '../lib/accounts/register-user.server.ts';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { findFreePort } from '../scripts/local-stack/ports.ts';
import { startWorkerProcess, type RunningWorker } from './worker-process.ts';

const appUrl = 'http://app.test';
const logger = createLogger('worker');

let testDatabase: TestDatabase;
let db: Database;
let web: PgBoss;
let limits: RateLimits;
let outbox: Outbox;

/** Retry at once, so the retry tests take seconds rather than the production backoff. */
async function retryQuickly() {
  for (const queue of [sendEmailJob.name, addressRequestJob.name]) {
    await web.updateQueue(queue, { retryDelay: 1, retryBackoff: false });
  }
}

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  db = createDatabase(testDatabase.url);
  web = await startBoss(createBoss(testDatabase.url, 'web', logger), jobs);
  limits = createRateLimits(testDatabase.url, { signupsPerMinute: 60, signupsPerClientPer10Minutes: 20 }, logger);
  outbox = createOutbox({ db, boss: web }, { mode: 'deferred' });
});

afterAll(async () => {
  await limits.close();
  await web.stop({ graceful: false });
  await db.$disconnect();
  await testDatabase.drop();
});

let smtp: SmtpSink;
let worker: RunningWorker | undefined;

async function startWorker(smtpUrl = smtp.url, env: Record<string, string> = {}) {
  const config = loadConfig({ DATABASE_URL: testDatabase.url, SMTP_URL: smtpUrl, APP_URL: appUrl, ...env });
  worker = await startWorkerProcess(config, logger);
  // The worker brings the queues to their production settings on start.
  await retryQuickly();
  return worker;
}

beforeEach(async () => {
  smtp = await startSmtpSink();
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await smtp.stop();
});

async function signUp(email: string, name?: string) {
  const { deliveryId } = await registerUser({ outbox, limits }, { email, password: 'correct horse', name });
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  return { user, deliveryId };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

/** The job whose payload holds `data` (a delivery id, say), once it reaches `state`. */
function waitForJobState(data: object, state: string, queue = sendEmailJob.name) {
  return waitFor(`the ${queue} job for ${JSON.stringify(data)} reaching ${state}`, async () => {
    const [job] = await web.findJobs(queue, { data });
    return job?.state === state ? job : undefined;
  });
}

function deliveryRecord(deliveryId: string) {
  return db.emailDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
}

function linkIn(text: string): URL {
  const match = /http:\/\/app\.test\/confirm\?token=\S+/.exec(text);
  if (!match) throw new Error(`no confirmation link in: ${text}`);
  return new URL(match[0]);
}

function tokenIn(message: { text?: string } | undefined): string {
  return linkIn(message?.text ?? '').searchParams.get('token') ?? '';
}

describe('confirmation worker', () => {
  it('sends the confirmation email with a single-use link, stores only the token hash, and records the delivery', async () => {
    await startWorker();
    const { user, deliveryId } = await signUp('ada@example.com', 'Ada');

    const [message] = await smtp.waitForMessages(1);
    expect(message?.subject).toBe('Confirm your email address');
    expect(message?.to).toMatchObject({ text: 'ada@example.com' });
    expect(message?.html).toContain('Hello Ada');
    const token = tokenIn(message);

    const stored = await db.token.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const expiresInHours = ((stored[0]?.expiresAt.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(expiresInHours).toBeGreaterThan(23.9);
    expect(expiresInHours).toBeLessThanOrEqual(24);

    const job = await waitForJobState({ deliveryId }, 'completed');
    expect(JSON.stringify(job.data)).not.toContain(token);
    expect(await deliveryRecord(deliveryId)).toMatchObject({
      status: 'sent',
      attempts: 1,
      sentAttempt: 1,
      messageId: message?.messageId,
    });
  });

  it('retries a send the SMTP server refused for now, then delivers it once', async () => {
    smtp.failNext(1, 'transient');
    await startWorker();
    const { deliveryId } = await signUp('retry@example.com');

    const [message] = await smtp.waitForMessages(1, 20_000);
    expect(message?.to).toMatchObject({ text: 'retry@example.com' });
    const job = await waitForJobState({ deliveryId }, 'completed');
    expect(job.retryCount).toBe(1);
    expect(await deliveryRecord(deliveryId)).toMatchObject({ status: 'sent', attempts: 2, sentAttempt: 2 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('retries a send whose connection dropped before the server answered', async () => {
    smtp.failNext(1, 'drop');
    await startWorker();
    const { deliveryId } = await signUp('dropped@example.com');

    await waitForJobState({ deliveryId }, 'completed');
    expect(smtp.stats).toMatchObject({ dropped: 1, accepted: 1 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('does not retry a message the server refused for good, dead-letters it, and delivers it once replayed', async () => {
    smtp.failNext(1, 'permanent');
    await startWorker();
    const { deliveryId } = await signUp('bounce@example.com');

    const dead = await waitForJobState({ deliveryId }, 'created', deadLetterQueueOf(sendEmailJob));
    // Its second run, due at once and made its last, gives up on it without sending.
    const [original] = await web.findJobs(sendEmailJob.name, { data: { deliveryId } });
    expect(original).toMatchObject({ state: 'failed', retryCount: 1, retryLimit: 1 });
    expect(await deliveryRecord(deliveryId)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'EMESSAGE 554',
    });
    expect(await listDeadLetters(web, jobs)).toEqual([
      {
        queue: sendEmailJob.name,
        jobId: dead.id,
        payload: { deliveryId, kind: 'confirm' },
        deadSince: expect.any(Date),
        reason: 'EMESSAGE 554',
      },
    ]);
    expect(smtp.messages).toHaveLength(0);

    // The operator fixed the cause and replays it.
    expect(await replayDeadLetters({ db, boss: web }, jobs)).toBe(1);
    const [message] = await smtp.waitForMessages(1);
    expect(message?.to).toMatchObject({ text: 'bounce@example.com' });
    await waitFor('the replayed delivery being recorded', async () => {
      const record = await deliveryRecord(deliveryId);
      return record.status === 'sent' ? record : undefined;
    });
    expect(await listDeadLetters(web, jobs)).toEqual([]);
  });

  it('does not send again when a job runs again after its email was sent and recorded', async () => {
    const { deliveryId } = await signUp('crash@example.com');
    // A worker sent the email and recorded it, then died before pg-boss marked the job done.
    const mailer = createMailer(smtp.url, 5);
    const recorder = createSendRecorder(testDatabase.url, logger);
    const first = await sendEmail(
      { db, mailer, recorder, appUrl, mailFrom: 'Test <test@app.test>' },
      { deliveryId, kind: 'confirm', lastAttempt: false },
    );
    mailer.close();
    await recorder.close();
    expect(first).toMatchObject({ status: 'sent' });
    await smtp.waitForMessages(1);

    await startWorker();
    const job = await waitForJobState({ deliveryId }, 'completed');
    expect(job.output).toEqual({ status: 'already-sent' });
    expect(smtp.messages).toHaveLength(1);
  });

  it('does not send while another worker holds the send, and does once its claim has lapsed', async () => {
    const { deliveryId } = await signUp('claimed@example.com');
    // A worker that still sends, though its job was handed to another (its heartbeat looked lost).
    const claim = await claimForSending(db, deliveryId, 'confirm');
    expect(claim?.attempt).toBe(1);
    const mailer = createMailer(smtp.url, 5);
    const recorder = createSendRecorder(testDatabase.url, logger);
    const deps = { db, mailer, recorder, appUrl, mailFrom: 'Test <test@app.test>' };
    try {
      expect(await sendEmail(deps, { deliveryId, kind: 'confirm', lastAttempt: false })).toEqual({ status: 'busy' });
      expect(smtp.messages).toHaveLength(0);
      const afterTheClaim = new Date(Date.now() + sendClaimLeaseMs + 1_000);
      expect(await sendEmail(deps, { deliveryId, kind: 'confirm', lastAttempt: false }, afterTheClaim)).toMatchObject({
        status: 'sent',
        attempt: 2,
      });
    } finally {
      claim?.release();
      mailer.close();
      await recorder.close();
    }
    // The job itself, when a worker gets to it, finds the email sent.
    await startWorker();
    expect((await waitForJobState({ deliveryId }, 'completed')).output).toEqual({ status: 'already-sent' });
    expect(smtp.messages).toHaveLength(1);
  });

  it("renews a send claim while its worker lives, so only a dead worker's claim lapses", async () => {
    const { deliveryId } = await signUp('renewed@example.com');
    const claim = await claimForSending(db, deliveryId, 'confirm');
    try {
      const claimedUntil = async () =>
        (await db.emailDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).claimedUntil?.getTime() ?? 0;
      const first = await claimedUntil();
      await vi.waitFor(async () => expect(await claimedUntil()).toBeGreaterThan(first), {
        timeout: 8_000,
        interval: 250,
      });
      expect(claim?.heldUntil().getTime()).toBe(await claimedUntil());
    } finally {
      claim?.release();
      // No worker ran: take the job away, so the next test's worker does not find it.
      const [job] = await web.findJobs(sendEmailJob.name, { data: { deliveryId } });
      if (job) await web.deleteJob(sendEmailJob.name, job.id);
    }
  });

  it('takes over a job whose worker froze or died holding it, once its heartbeat lapses', async () => {
    const { deliveryId } = await signUp('stalled@example.com');
    // Another worker fetches the job, then neither beats nor finishes.
    const frozen = await startBoss(createBoss(testDatabase.url, 'web', logger), jobs);
    const [held] = await frozen.fetch(sendEmailJob.name);
    expect(held?.data).toEqual({ deliveryId, kind: 'confirm' });
    await frozen.stop({ graceful: false });

    await startWorker();
    const [message] = await smtp.waitForMessages(1, 25_000);
    expect(message?.to).toMatchObject({ text: 'stalled@example.com' });
    const job = await waitForJobState({ deliveryId }, 'completed');
    expect(job.retryCount).toBe(1);
  });

  it('accepts sign-ups while the SMTP server is down and delivers once it is back', async () => {
    const port = await findFreePort();
    await startWorker(`smtp://127.0.0.1:${port}`);
    const { user, deliveryId } = await signUp('outage@example.com');
    expect(user.email).toBe('outage@example.com');

    await waitForJobState({ deliveryId }, 'retry');
    expect((await deliveryRecord(deliveryId)).status).toBe('retrying');
    // The server comes back; afterEach stops it once the worker has let go of its connections.
    await smtp.stop();
    smtp = await startSmtpSink({ port });
    const [message] = await smtp.waitForMessages(1, 20_000);
    expect(message?.to).toMatchObject({ text: 'outage@example.com' });
    await waitForJobState({ deliveryId }, 'completed');
  });

  it("delivers an email queued before the upgrade, under the queue's former name and without its kind", async () => {
    const user = await db.user.create({ data: { email: 'upgraded@example.com', passwordHash: 'x' } });
    const { id: deliveryId } = await db.emailDelivery.create({
      data: { id: randomUUID(), userId: user.id, kind: 'confirm' },
    });
    await web.createQueue('confirmation-email');
    await web.send('confirmation-email', { deliveryId });

    await startWorker();
    const [message] = await smtp.waitForMessages(1);
    expect(message?.to).toMatchObject({ text: 'upgraded@example.com' });
    expect(await web.findJobs('confirmation-email', { queued: true })).toEqual([]);
    expect((await waitForJobState({ deliveryId }, 'completed')).output).toMatchObject({ status: 'sent' });
  });

  it('sends nothing for an account confirmed while its job waited', async () => {
    const { user, deliveryId } = await signUp('early@example.com');
    await db.user.update({ where: { id: user.id }, data: { confirmedAt: new Date() } });
    await startWorker();

    await waitForJobState({ deliveryId }, 'completed');
    expect((await deliveryRecord(deliveryId)).status).toBe('skipped');
    expect(smtp.messages).toHaveLength(0);
  });

  it('finishes the email in hand before it stops', async () => {
    smtp.delayNext(1, 1_500);
    const running = await startWorker();
    const { deliveryId } = await signUp('draining@example.com');
    await waitFor('the send to begin', async () => {
      const record = await deliveryRecord(deliveryId);
      return record.status === 'sending' ? record : undefined;
    });

    await running.stop();
    worker = undefined;
    expect(smtp.messages).toHaveLength(1);
    const [job] = await web.findJobs(sendEmailJob.name, { data: { deliveryId } });
    expect(job?.state).toBe('completed');
    expect((await deliveryRecord(deliveryId)).status).toBe('sent');
  });
});

describe('confirmation resend worker', () => {
  let clients = 0;

  /** A resend asked for as the web tier asks, each from a client of its own so that no per-client limit answers. */
  async function requestResend(email: string) {
    clients += 1;
    const verdict = await requestConfirmationEmail({ boss: web, limits }, email, `192.0.2.${clients}`);
    expect(verdict).toEqual({ allowed: true });
  }

  it('sends an unconfirmed account a new link, and the earlier one stops working', async () => {
    await startWorker();
    await signUp('again@example.com');
    const [first] = await smtp.waitForMessages(1);

    await requestResend('again@example.com');
    const job = await waitForJobState({ email: 'again@example.com' }, 'completed', addressRequestJob.name);
    expect(job.output).toEqual({ status: 'queued', deliveryId: expect.any(String) });
    const [, second] = await smtp.waitForMessages(2);
    expect(second?.subject).toBe('Confirm your email address');
    expect(second?.to).toMatchObject({ text: 'again@example.com' });
    expect((await confirmEmail(db, tokenIn(first))).status).toBe('invalid');
    expect((await confirmEmail(db, tokenIn(second))).status).toBe('confirmed');
  });

  it('sends nothing for an address with a confirmed account or none, and completes the job', async () => {
    await db.user.create({ data: { email: 'done@example.com', passwordHash: 'x', confirmedAt: new Date() } });
    await startWorker();
    const emailJobsBefore = await web.findJobs(sendEmailJob.name);

    for (const email of ['done@example.com', 'nobody@example.com']) {
      await requestResend(email);
      const job = await waitForJobState({ email }, 'completed', addressRequestJob.name);
      expect(job.output).toEqual({ status: 'no-unconfirmed-account' });
    }
    // A resend job completes only after the email it queues has committed: none was.
    expect(await web.findJobs(sendEmailJob.name)).toHaveLength(emailJobsBefore.length);
    expect(smtp.messages).toHaveLength(0);
  });

  it('queues one email for a resend job run twice', async () => {
    const { user } = await signUp('twice@example.com');
    await retryQuickly();
    await requestResend('twice@example.com');
    // A worker took the job and committed its email, then died before pg-boss recorded the job done.
    const crashed = await startBoss(createBoss(testDatabase.url, 'web', logger), jobs);
    const held = await waitFor('the resend job to come due', async () => {
      const [job] = await crashed.fetch<{ email: string }>(addressRequestJob.name);
      return job;
    });
    const crashedOutbox = createOutbox({ db, boss: crashed }, { mode: 'deferred' });
    const first = await resendConfirmationEmail(
      { db, outbox: crashedOutbox },
      { email: held.data.email, requestKey: held.id },
    );
    await crashed.stop({ graceful: false });

    // Once its heartbeat lapses, another worker takes the job over and runs it again.
    await startWorker();
    const job = await waitForJobState({ email: 'twice@example.com' }, 'completed', addressRequestJob.name);
    expect(job.retryCount).toBe(1);
    expect(job.output).toEqual(first);
    const deliveries = await db.emailDelivery.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' } });
    expect(deliveries.map(({ requestKey }) => requestKey)).toEqual([null, held.id]);
    await Promise.all(deliveries.map(({ id }) => waitForJobState({ deliveryId: id }, 'completed')));
    expect(smtp.messages).toHaveLength(2);
  });
});

describe('bulk worker', () => {
  it('sends several bulk jobs at once, each of their invitations once', async () => {
    const groups = await Promise.all(
      Array.from({ length: bulkJobsAtOnce }, async (_, group) => {
        const users = await db.user.createManyAndReturn({
          data: Array.from({ length: 2 }, (_, index) => ({ email: `bulk-${group}-${index}@example.com` })),
          select: { id: true, email: true },
        });
        // A transaction each: a job each.
        await outbox.transaction((_tx, _queueEmail, queueBulkEmails) =>
          queueBulkEmails(
            'invitation',
            users.map((user) => ({ userId: user.id, requestKey: `import:bulk-worker:${user.email}` })),
          ),
        );
        return users;
      }),
    );
    // Long enough that one job at a time could never overlap two sends.
    smtp.setLatency(300);
    await startWorker();
    const expected = groups.flat().map((user) => user.email);
    await smtp.waitForMessages(expected.length);
    const recipients = smtp.messages.map((message) =>
      message.to && !Array.isArray(message.to) ? message.to.text : '',
    );
    expect(recipients.sort()).toEqual(expected.sort());
    expect(smtp.stats.peakInFlight).toBeGreaterThan(1);
  });
});

describe('housekeeping', () => {
  it('is scheduled as configured, and deletes what is dead when it runs', async () => {
    await startWorker(smtp.url, { HOUSEKEEPING_SCHEDULE: '0 4 * * *' });
    expect(await web.getSchedules(cleanupJob.name)).toMatchObject([{ cron: '0 4 * * *', timezone: 'UTC' }]);

    const { user } = await signUp('housekeeping@example.com');
    await db.user.update({ where: { id: user.id }, data: { confirmedAt: new Date() } });
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000);
    await issueToken(db, user.id, 'confirm-email', threeDaysAgo);
    const abandoned = await db.user.create({
      data: {
        email: 'abandoned@example.com',
        passwordHash: 'x',
        createdAt: new Date(Date.now() - 8 * 24 * 60 * 60 * 1000),
      },
    });
    const recent = await db.user.create({ data: { email: 'recent@example.com', passwordHash: 'x' } });
    await db.$executeRaw`INSERT INTO rate_limit.counters (key, points, expire) VALUES ('old', 1, ${threeDaysAgo.getTime()})`;

    const jobId = await web.send(cleanupJob.name, {});
    const job = await waitFor('the clean-up to complete', async () => {
      const found = jobId ? await web.getJobById(cleanupJob.name, jobId) : undefined;
      return found?.state === 'completed' ? found : undefined;
    });
    expect(job.output).toMatchObject({ unconfirmedAccounts: expect.any(Number), expiredSessions: expect.any(Number) });
    expect(await db.user.findUnique({ where: { id: abandoned.id } })).toBeNull();
    expect(await db.user.findUnique({ where: { id: recent.id } })).not.toBeNull();
    expect(await db.token.count({ where: { userId: user.id, expiresAt: { lt: new Date() } } })).toBe(0);
    expect(await db.$queryRaw`SELECT key FROM rate_limit.counters WHERE key = 'old'`).toEqual([]);
  });
});
