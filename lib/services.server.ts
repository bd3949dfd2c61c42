import 'server-only';
import type { PgBoss } from 'pg-boss';
import { loadConfig, type Config } from './config/config.server.ts';
import { createDatabase, type Database } from './db/database.server.ts';
import type { SendConfirmationEmailDeps } from './email/send-confirmation-email.server.ts';
import { createBoss, startBoss } from './jobs/boss.server.ts';
import { createRateLimits, type RateLimits } from './rate-limit/rate-limits.server.ts';

export type Services = { db: Database; boss: PgBoss };

export type WebServices = Services & {
  config: Config;
  limits: RateLimits;
  /** Only in the benchmark's baseline (SIGNUP_EMAIL_DELIVERY=in-request): what sending in the request needs. */
  inRequestMail?: SendConfirmationEmailDeps;
};

// One set per web process. Kept on globalThis because `next dev` re-evaluates modules on every
// edit, which would otherwise open a new pool each time.
const cache = globalThis as typeof globalThis & { signupServices?: Promise<WebServices> };

/** The web tier's database client and (started) queue, created on first use. */
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
  const boss = await startBoss(createBoss(config.databaseUrl, 'web'));
  const db = createDatabase(config.databaseUrl);
  const limits = createRateLimits(config.databaseUrl, config.rateLimits);
  const inRequestMail = config.signupEmailDelivery === 'in-request' ? await inRequestMailFor(config, db) : undefined;
  return { config, db, boss, limits, inRequestMail };
}

// Loaded only for the baseline, so the web process of the real design carries no SMTP client.
async function inRequestMailFor(config: Config, db: Database): Promise<SendConfirmationEmailDeps> {
  const { createMailer } = await import('./email/mailer.server.ts');
  return { db, mailer: createMailer(config.smtp), appUrl: config.appUrl, mailFrom: config.mailFrom };
}
