import type { Config } from '../lib/config/config.server.ts';
import { createDatabase } from '../lib/db/database.server.ts';
import { createMailer } from '../lib/email/mailer.server.ts';
import { createOutbox } from '../lib/email/outbox.server.ts';
import { bulkJobsAtOnce, sendBulkEmailJob, sendEmailJob } from '../lib/email/send-email-job.ts';
import { createSendRecorder } from '../lib/email/send-recorder.server.ts';
import { createSendWindow, type SendWindow } from '../lib/email/send-window.ts';
import { jobs, type WorkerServices } from '../lib/job-registry.server.ts';
import { createBoss, moveFormerQueues, startBoss } from '../lib/jobs/boss.server.ts';
import { workJobs, type WorkingJobs } from '../lib/jobs/work.server.ts';
import type { Logger } from '../lib/logging/logger.server.ts';
import { createSendRate } from '../lib/rate-limit/send-rate.server.ts';

export type RunningWorker = {
  /** How many emails it may have in flight now, and has: what the SMTP server's answers made of SMTP_MAX_IN_FLIGHT. */
  sendWindow: Pick<SendWindow, 'limit' | 'inFlight'>;
  /**
   * Stops fetching, lets the jobs in hand finish within the grace period (those still running then
   * are released for another worker to retry), then closes the SMTP and database pools.
   */
  stop(): Promise<void>;
};

/** Everything one worker process runs: its services and every declared job (lib/job-registry.server.ts). */
export async function startWorkerProcess(config: Config, logger: Logger): Promise<RunningWorker> {
  // node-postgres's pool of 10, not fewer: with 5, an email's sent record waited behind other
  // emails' claims, and a worker killed meanwhile had more emails accepted but not recorded (the full
  // fault run: 13 sent twice for 11 kills, against 0 for 9). Four workers drained ~7% faster with 5.
  const db = createDatabase(config.databaseUrl);
  const mailer = createMailer(config.smtp, config.worker.maxEmailsInFlight);
  const recorder = createSendRecorder(config.databaseUrl, logger);
  const sendWindow = createSendWindow({ max: config.worker.maxEmailsInFlight });
  // Only the cuts: a widening window is the normal course of a burst, a cut is the server pushing back.
  sendWindow.onChange((limit, cut) => {
    if (cut) logger.info({ emailsInFlight: limit }, 'the SMTP server pushed back; fewer emails in flight');
  });
  const sendRate = config.emailSendRatePerSecond
    ? createSendRate(config.databaseUrl, sendEmailJob.name, config.emailSendRatePerSecond, logger)
    : undefined;
  // The bulk lane's own SMTP pool and budget: a person's confirmation never waits for a connection
  // or a share of the rate that an import's invitations hold (ADR 040).
  const bulkMailer = createMailer(config.smtp, bulkJobsAtOnce);
  const bulkSendRate = config.bulkEmailSendRatePerSecond
    ? createSendRate(config.databaseUrl, sendBulkEmailJob.name, config.bulkEmailSendRatePerSecond, logger)
    : undefined;
  const boss = createBoss(config.databaseUrl, 'worker', logger);
  const services: WorkerServices = {
    db,
    boss,
    // A worker's own emails (a resend's) are always queued: only the web tier has the baseline.
    outbox: createOutbox({ db, boss }, { mode: 'deferred' }),
    mail: {
      db,
      mailer,
      recorder,
      appUrl: config.appUrl,
      mailFrom: config.mailFrom,
      sendRate,
      tokenLifetimes: config.tokenLifetimes,
    },
    bulkMail: {
      db,
      mailer: bulkMailer,
      recorder,
      appUrl: config.appUrl,
      mailFrom: config.mailFrom,
      sendRate: bulkSendRate,
      tokenLifetimes: config.tokenLifetimes,
    },
    sendWindow,
    housekeeping: config.housekeeping,
    sessions: config.sessions,
    imports: config.imports,
  };
  const close = async () => {
    mailer.close();
    bulkMailer.close();
    await recorder.close();
    await sendRate?.close();
    await bulkSendRate?.close();
    await db.$disconnect();
  };
  let working: WorkingJobs;
  try {
    await startBoss(boss, jobs);
    const moved = await moveFormerQueues(boss, jobs);
    if (moved > 0) logger.info({ moved }, 'moved jobs from former queue names');
    // Load the database client's query engine and open its first connection before taking jobs:
    // a fresh worker otherwise pays for both between an SMTP server's acceptance and its record,
    // the window in which a crash sends the email twice.
    await db.$queryRaw`SELECT 1`;
    working = await workJobs(boss, jobs, services, logger);
  } catch (error) {
    // Let go of what was opened, so that the caller can simply try again.
    await boss.stop({ graceful: false }).catch(() => {});
    await close();
    throw error;
  }
  logger.info(config.worker, 'worker ready');

  return {
    sendWindow,
    async stop() {
      // The streamed loops settle through pg-boss, so they stop first, within the same grace.
      const startedAt = Date.now();
      await working.stopStreams(config.worker.shutdownGraceMs);
      const graceLeft = Math.max(1, config.worker.shutdownGraceMs - (Date.now() - startedAt));
      await boss.stop({ graceful: true, timeout: graceLeft });
      await close();
    },
  };
}
