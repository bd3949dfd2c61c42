import type { Config } from '../lib/config/config.server.ts';
import { createDatabase } from '../lib/db/database.server.ts';
import type { Logger } from '../lib/logging/logger.server.ts';
import { createMailer } from '../lib/email/mailer.server.ts';
import { createBoss, startBoss } from '../lib/jobs/boss.server.ts';
import { startConfirmationResendWorker } from './confirmation-resend-worker.ts';
import { startConfirmationWorker } from './confirmation-worker.ts';

export type RunningWorker = {
  /**
   * Stops fetching, lets the jobs in hand finish within the grace period (those still running then
   * are released for another worker to retry), then closes the SMTP and database pools.
   */
  stop(): Promise<void>;
};

/** Everything one worker process runs: the database client, the mailer, pg-boss and the queues' workers. */
export async function startWorkerProcess(config: Config, logger: Logger): Promise<RunningWorker> {
  // node-postgres's pool of 10, not fewer: with 5, an email's sent record waited behind other
  // emails' claims, and a worker killed meanwhile had more emails accepted but not recorded (the full
  // fault run: 13 sent twice for 11 kills, against 0 for 9). Four workers drained ~7% faster with 5.
  const db = createDatabase(config.databaseUrl);
  const mailer = createMailer(config.smtp);
  const boss = createBoss(config.databaseUrl, 'worker', logger);
  try {
    await startBoss(boss);
    // Load the database client's query engine and open its first connection before taking jobs:
    // a fresh worker otherwise pays for both between an SMTP server's acceptance and its record,
    // the window in which a crash sends the email twice.
    await db.$queryRaw`SELECT 1`;
    await startConfirmationWorker(
      boss,
      { db, mailer, appUrl: config.appUrl, mailFrom: config.mailFrom },
      config.worker,
      logger,
    );
    await startConfirmationResendWorker(boss, { db, boss }, logger);
  } catch (error) {
    // Let go of what was opened, so that the caller can simply try again.
    await boss.stop({ graceful: false }).catch(() => {});
    mailer.close();
    await db.$disconnect();
    throw error;
  }
  logger.info(config.worker, 'worker ready');

  return {
    async stop() {
      await boss.stop({ graceful: true, timeout: config.worker.shutdownGraceMs });
      mailer.close();
      await db.$disconnect();
    },
  };
}
