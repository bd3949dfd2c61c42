// How many emails a worker has in flight, against real SMTP servers on loopback that are slow, that
// answer 421 when they have too many, and that refuse connections past a few: the window grows,
// backs off, and every email is sent once. The assertions are on what the server saw and what the
// window became, never on how long anything took.
import type { PgBoss } from 'pg-boss';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config/config.server.ts';
import type { Database } from '../lib/db/database.server.ts';
import type { Outbox } from '../lib/email/outbox.server.ts';
import { sendEmailJob } from '../lib/email/send-email-job.ts';
import { createLogger } from '../lib/logging/logger.server.ts';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';
import { withTestServices } from '../testing/test-services.ts';
import { startWorkerProcess, type RunningWorker } from './worker-process.ts';

const logger = createLogger('worker');

let url: string;
let db: Database;
let web: PgBoss;
let outbox: Outbox;
withTestServices((services) => ({ url, db, boss: web, outbox } = services));

let smtp: SmtpSink;
let worker: RunningWorker | undefined;

beforeEach(async () => {
  smtp = await startSmtpSink();
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await smtp.stop();
});

async function startWorker(): Promise<RunningWorker> {
  const config = loadConfig({ DATABASE_URL: url, SMTP_URL: smtp.url, APP_URL: 'http://app.test' });
  worker = await startWorkerProcess(config, logger);
  // A refused email comes back in a second instead of after the production backoff.
  await web.updateQueue(sendEmailJob.name, { retryDelay: 1, retryBackoff: false });
  return worker;
}

/** `count` new accounts' confirmation emails, queued in one transaction: a backlog the worker finds at once. */
async function queueEmails(tag: string, count: number): Promise<string[]> {
  const users = await db.user.createManyAndReturn({
    data: Array.from({ length: count }, (_, index) => ({ email: `${tag}-${index}@example.com`, passwordHash: 'x' })),
    select: { id: true },
  });
  return outbox.transaction(async (_tx, queueEmail) => {
    const ids: string[] = [];
    for (const user of users) ids.push((await queueEmail({ userId: user.id, kind: 'confirm' })).deliveryId);
    return ids;
  });
}

/** Every email arrived exactly once, and its delivery record and job say so. */
async function expectEachSentOnce(tag: string, deliveryIds: string[]) {
  await smtp.waitForMessages(deliveryIds.length, 60_000);
  await expect
    .poll(
      async () =>
        (await web.findJobs(sendEmailJob.name)).filter(
          (job) => deliveryIds.includes((job.data as { deliveryId: string }).deliveryId) && job.state === 'completed',
        ).length,
      { timeout: 20_000, interval: 100 },
    )
    .toBe(deliveryIds.length);
  const recipients = smtp.messages
    .map((message) => (message.to && !Array.isArray(message.to) ? message.to.text : ''))
    .filter((to) => to.startsWith(`${tag}-`));
  expect(recipients).toHaveLength(deliveryIds.length);
  expect(new Set(recipients).size).toBe(deliveryIds.length);
  const records = await db.emailDelivery.findMany({ where: { id: { in: deliveryIds } }, select: { status: true } });
  expect(records.every((record) => record.status === 'sent')).toBe(true);
}

describe('emails in flight per worker', () => {
  it('grows while a slow server accepts every email, and sends each once', async () => {
    smtp.setLatency(300);
    const deliveryIds = await queueEmails('slow', 120);
    const running = await startWorker();
    const initial = running.sendWindow.limit;

    await expectEachSentOnce('slow', deliveryIds);
    expect(running.sendWindow.limit).toBeGreaterThan(initial);
    expect(smtp.stats.peakInFlight).toBeGreaterThan(initial);
  });

  it('backs off a server that answers 421 when it has too many at once, and loses none', async () => {
    smtp.setLatency(100);
    smtp.throttleAbove(4);
    const deliveryIds = await queueEmails('throttled', 40);
    const running = await startWorker();
    const initial = running.sendWindow.limit;

    await expectEachSentOnce('throttled', deliveryIds);
    expect(smtp.stats.throttled).toBeGreaterThan(0);
    expect(running.sendWindow.limit).toBeLessThan(initial);
    // Each 421 cost an attempt, not an email: fewer were refused than a window that never shrank
    // would have had refused in its first round alone, and then again for every round after.
    expect(smtp.stats.throttled).toBeLessThan(deliveryIds.length);
  });

  it('backs off a server that refuses connections past a few, and loses none', async () => {
    smtp.setLatency(100);
    smtp.refuseConnectionsAbove(3);
    const deliveryIds = await queueEmails('refused', 40);
    const running = await startWorker();
    const initial = running.sendWindow.limit;

    await expectEachSentOnce('refused', deliveryIds);
    expect(smtp.stats.refusedConnections).toBeGreaterThan(0);
    expect(running.sendWindow.limit).toBeLessThan(initial);
    expect(smtp.stats.refusedConnections).toBeLessThan(deliveryIds.length);
  });
});
