import 'server-only';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { loadConfig, type Config } from './config/config.server.ts';
import { createDatabase, type Database } from './db/database.server.ts';
import { createOutbox, type DeliveryStrategy, type Outbox } from './email/outbox.server.ts';
import type { ImportProcessing } from './imports/import-processing-strategy.ts';
import { createUploadPool } from './imports/import-upload.server.ts';
import { jobs } from './job-registry.server.ts';
import { createBoss, startBoss } from './jobs/boss.server.ts';
import { createLogger, type Logger } from './logging/logger.server.ts';
import { createRateLimits, type RateLimits } from './rate-limit/rate-limits.server.ts';

export type WebServices = {
  config: Config;
  db: Database;
  boss: PgBoss;
  limits: RateLimits;
  outbox: Outbox;
  /** The connections uploads stream their files through (see createUploadPool). */
  uploads: pg.Pool;
  importProcessing: ImportProcessing;
};

// One set per web process. Kept on globalThis because `next dev` re-evaluates modules on every
// edit, which would otherwise open a new pool each time.
const cache = globalThis as typeof globalThis & { signupServices?: Promise<WebServices> };

/** The web tier's database client, (started) queue, limits and outbox, created on first use. */
export function getServices(): Promise<WebServices> {
  cache.signupServices ??= createWebServices().catch((error: unknown) => {
    // Let the next request try again (say, once the database is back) instead of caching the failure.
    cache.signupServices = undefined;
    throw error;
  });
  return cache.signupServices;
}

async function createWebServices(): Promise<WebServices> {
  const config = loadConfig();
  const logger = createLogger('web');
  const boss = await startBoss(createBoss(config.databaseUrl, 'web', logger), jobs);
  const db = createDatabase(config.databaseUrl);
  const limits = createRateLimits(config.databaseUrl, config.rateLimits, logger);
  const outbox = createOutbox({ db, boss }, await deliveryStrategyFor(config, db, logger));
  const uploads = createUploadPool(config.databaseUrl, logger);
  return { config, db, boss, limits, outbox, uploads, importProcessing: await importProcessingFor(config, db, outbox) };
}

/**
 * The one place the uploader benchmark's baseline (IMPORT_PROCESSING=in-request, see
 * ImportProcessing) is chosen: the web process then parses and commits imports itself, with the
 * worker's own code, loaded only then.
 */
async function importProcessingFor(config: Config, db: Database, outbox: Outbox): Promise<ImportProcessing> {
  if (config.imports.processing === 'deferred') return { mode: 'deferred' };
  const { processImport } = await import('./imports/import-processing.server.ts');
  return {
    mode: 'in-request',
    run: (importId) => processImport({ db, outbox, imports: config.imports }, importId),
  };
}

/**
 * The one place the benchmark's baseline (SIGNUP_EMAIL_DELIVERY=in-request, see DeliveryStrategy)
 * is chosen. Its mail code is loaded only then, so the web process of the real design carries no
 * SMTP client.
 */
async function deliveryStrategyFor(config: Config, db: Database, logger: Logger): Promise<DeliveryStrategy> {
  if (config.signupEmailDelivery === 'deferred') return { mode: 'deferred' };
  const [{ createMailer }, { sendEmail }, { createSendRecorder }] = await Promise.all([
    import('./email/mailer.server.ts'),
    import('./email/send-email.server.ts'),
    import('./email/send-recorder.server.ts'),
  ]);
  const mail = {
    db,
    mailer: createMailer(config.smtp, config.worker.maxEmailsInFlight),
    recorder: createSendRecorder(config.databaseUrl, logger),
    appUrl: config.appUrl,
    mailFrom: config.mailFrom,
    tokenLifetimes: config.tokenLifetimes,
  };
  return { mode: 'in-request', send: (attempt) => sendEmail(mail, attempt) };
}
