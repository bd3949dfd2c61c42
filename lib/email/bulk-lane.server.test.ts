import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { findToken } from '../tokens/tokens.server.ts';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { createLogger } from '../logging/logger.server.ts';
import { createMailer, type Mailer } from './mailer.server.ts';
import type { Outbox } from './outbox.server.ts';
import { bulkEmailsPerJob, sendBulkEmailJob, sendEmailJob } from './send-email-job.ts';
import { createSendRecorder, type SendRecorder } from './send-recorder.server.ts';

let db: Database;
let boss: PgBoss;
let outbox: Outbox;
let url: string;
withTestServices((services) => ({ url, db, boss, outbox } = services));

let smtp: SmtpSink;
let mailer: Mailer;
let recorder: SendRecorder;
beforeAll(async () => {
  smtp = await startSmtpSink();
  mailer = createMailer(smtp.url, 1);
  recorder = createSendRecorder(url, createLogger('worker'));
});
afterAll(async () => {
  mailer.close();
  await recorder.close();
  await smtp.stop();
});

const bulkMail = () => ({ db, mailer, recorder, appUrl: 'http://app.test', mailFrom: 'Test <test@app.test>' });
const run = (payload: { deliveryIds: string[]; kind: 'invitation' }, lastAttempt = false) =>
  sendBulkEmailJob.run({ bulkMail: bulkMail() }, payload, { id: 'job', attempt: 1, lastAttempt });

async function invitedUsers(count: number, tag: string) {
  return db.user.createManyAndReturn({
    data: Array.from({ length: count }, (_, index) => ({ email: `${tag}-${index}@example.com` })),
    select: { id: true, email: true },
  });
}

describe('the bulk lane', () => {
  it('records the emails in one go and queues a job per group, none in the sign-ups’ queue', async () => {
    const users = await invitedUsers(bulkEmailsPerJob + 3, 'group');
    const queued = await outbox.transaction((_tx, _queueEmail, queueBulkEmails) =>
      queueBulkEmails(
        'invitation',
        users.map((user, index) => ({ userId: user.id, requestKey: `import:test:${index}` })),
      ),
    );
    expect(queued).toBe(users.length);
    const jobs = await boss.findJobs<{ deliveryIds: string[] }>(sendBulkEmailJob.name, { queued: true });
    expect(jobs.map((job) => job.data.deliveryIds.length).sort((a, b) => a - b)).toEqual([3, bulkEmailsPerJob]);
    expect(await boss.findJobs(sendEmailJob.name, { queued: true })).toHaveLength(0);
    // The same request keys again (a chunk run twice): nothing more.
    const again = await outbox.transaction((_tx, _queueEmail, queueBulkEmails) =>
      queueBulkEmails(
        'invitation',
        users.map((user, index) => ({ userId: user.id, requestKey: `import:test:${index}` })),
      ),
    );
    expect(again).toBe(0);
  });

  it('sends each of its invitations once, with an invite token, and a run again sends none twice', async () => {
    const users = await invitedUsers(3, 'bulk-send');
    const deliveryIds = await outbox.transaction(async (tx) => {
      const rows = await tx.emailDelivery.createManyAndReturn({
        data: users.map((user) => ({ id: crypto.randomUUID(), userId: user.id, kind: 'invitation' })),
        select: { id: true },
      });
      return rows.map((row) => row.id);
    });
    const before = smtp.messages.length;
    smtp.failNext(1);
    expect(await run({ deliveryIds, kind: 'invitation' })).toMatchObject({ status: 'retry' });
    expect(await run({ deliveryIds, kind: 'invitation' })).toMatchObject({ status: 'completed' });
    const sent = smtp.messages.slice(before);
    expect(sent.map((message) => message.subject)).toEqual(
      Array(3).fill('You have been invited: choose your password'),
    );
    expect(new Set(sent.map((message) => (message.to && 'text' in message.to ? message.to.text : '')))).toHaveProperty(
      'size',
      3,
    );
    const token = /\/invitation\?token=([A-Za-z0-9_-]{43})/.exec(sent[0]?.text ?? '')?.[1];
    expect(await findToken(db, token ?? '', 'invite')).toMatchObject({ usedAt: null });
  });

  it('leaves a job whose email is refused for good to the dead-letter queue', async () => {
    const [user] = await invitedUsers(1, 'refused');
    const delivery = await db.emailDelivery.create({
      data: { id: crypto.randomUUID(), userId: user?.id ?? '', kind: 'invitation' },
    });
    smtp.failNext(1, 'permanent');
    expect(await run({ deliveryIds: [delivery.id], kind: 'invitation' })).toMatchObject({ status: 'deadletter' });
    expect(await db.emailDelivery.findUnique({ where: { id: delivery.id } })).toMatchObject({ status: 'failed' });
  });
});
