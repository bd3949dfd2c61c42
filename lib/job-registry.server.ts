import 'server-only';
import type { PgBoss } from 'pg-boss';
import { addressRequestJob } from './accounts/address-request-job.ts';
import type { Config } from './config/config.server.ts';
import type { Database } from './db/database.server.ts';
import type { Outbox } from './email/outbox.server.ts';
import { sendBulkEmailJob, sendEmailJob } from './email/send-email-job.ts';
import type { MailDeps } from './email/send-email.server.ts';
import type { SendWindow } from './email/send-window.ts';
import { cleanupJob } from './housekeeping/cleanup-job.ts';
import { importExpiryJob, importProcessJob } from './imports/import-jobs.ts';
import type { AnyJobDefinition } from './jobs/job-definition.ts';

/** What a worker process hands every job's handler. */
export type WorkerServices = {
  db: Database;
  boss: PgBoss;
  outbox: Outbox;
  mail: MailDeps;
  /** The bulk lane's mail: an SMTP pool and send budget of its own (see sendBulkEmailJob). */
  bulkMail: MailDeps;
  /** How many emails of `email-send` this worker may have in flight now: its fetching follows it. */
  sendWindow: SendWindow;
  housekeeping: Config['housekeeping'];
  sessions: Config['sessions'];
  imports: Config['imports'];
};

/**
 * Every job there is. The worker runs them all, the web tier and the tools create and read their
 * queues from here: a new job is its definition and a line in this list.
 */
export const jobs: readonly AnyJobDefinition<WorkerServices>[] = [
  sendEmailJob,
  sendBulkEmailJob,
  addressRequestJob,
  cleanupJob,
  importProcessJob,
  importExpiryJob,
];
