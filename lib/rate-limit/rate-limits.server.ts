import 'server-only';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../db/database.server.ts';
import type { Logger } from '../logging/logger.server.ts';

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type RateLimitSettings = {
  /** Sign-up attempts from all clients together per minute: caps hashing and mail volume in a flood. */
  signupsPerMinute: number;
  /**
   * Sign-up attempts from one client address per 10 minutes: generous, since a household, an office
   * or a mobile carrier puts many people behind one address.
   */
  signupsPerClientPer10Minutes: number;
};

// Per email address: a few emails an hour at most, whoever asks for them.
// Sign-in: guessing is slowed per client and per account from one client. No lockout of the account
// itself, which would let anyone lock anyone out.
const rules = {
  resendPerIp: { points: 5, duration: 60 * 60 },
  resendCooldown: { points: 1, duration: 60 },
  emailsPerAddress: { points: 5, duration: 60 * 60 },
  signInPerIp: { points: 30, duration: 10 * 60 },
  signInPerAccountAndIp: { points: 10, duration: 15 * 60 },
  resetPerIp: { points: 5, duration: 60 * 60 },
  resetCooldown: { points: 1, duration: 60 },
} as const;

export const resendCooldownSeconds = rules.resendCooldown.duration;
export const passwordResetCooldownSeconds = rules.resetCooldown.duration;

export type RateLimits = {
  /** One sign-up attempt from this client, counted against its own and the global budget. */
  signupAttempt(clientIp: string): Promise<RateLimitVerdict>;
  /** One resend request from this client for this address: per-client limit, then the address's cooldown. */
  resendAttempt(clientIp: string, email: string): Promise<RateLimitVerdict>;
  /** One sign-in attempt from this client for this address: per client, then per address and client. */
  signInAttempt(clientIp: string, email: string): Promise<RateLimitVerdict>;
  /** One password-reset request from this client for this address: per client, then the address's cooldown. */
  passwordResetAttempt(clientIp: string, email: string): Promise<RateLimitVerdict>;
  /** One more email to this address; counted whether or not it has an account, so it reveals nothing. */
  emailTo(email: string): Promise<RateLimitVerdict>;
  close(): Promise<void>;
};

/**
 * The limits, counted in PostgreSQL (table rate_limit.counters, see its migration) so that every
 * web process shares them. Each check is one atomic upsert of a fixed-window counter.
 */
export function createRateLimits(databaseUrl: string, settings: RateLimitSettings, logger: Logger): RateLimits {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'signup-rate-limits' });
  // An idle client that loses its connection emits 'error'; unhandled, it would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'rate-limit pool error'));
  const limiter = (keyPrefix: string, rule: { points: number; duration: number }) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      schemaName: 'rate_limit',
      tableName: 'counters',
      tableCreated: true,
      // Each limiter would otherwise delete expired rows on a timer of its own, in every process;
      // the housekeeping job does it once for all (deleteExpiredCounters).
      clearExpiredByTimeout: false,
      keyPrefix,
      ...rule,
    });

  const signupPerIp = limiter('signup-ip', { points: settings.signupsPerClientPer10Minutes, duration: 10 * 60 });
  const signupGlobal = limiter('signup-all', { points: settings.signupsPerMinute, duration: 60 });
  const resendPerIp = limiter('resend-ip', rules.resendPerIp);
  const resendCooldown = limiter('resend-address', rules.resendCooldown);
  const emailsPerAddress = limiter('email-address', rules.emailsPerAddress);
  const signInPerIp = limiter('signin-ip', rules.signInPerIp);
  const signInPerAccountAndIp = limiter('signin-account-ip', rules.signInPerAccountAndIp);
  const resetPerIp = limiter('reset-ip', rules.resetPerIp);
  const resetCooldown = limiter('reset-address', rules.resetCooldown);

  return {
    signupAttempt: (clientIp) => consumeInTurn([signupPerIp, clientIp], [signupGlobal, 'all']),
    resendAttempt: (clientIp, email) => consumeInTurn([resendPerIp, clientIp], [resendCooldown, email]),
    signInAttempt: (clientIp, email) =>
      consumeInTurn([signInPerIp, clientIp], [signInPerAccountAndIp, `${email} ${clientIp}`]),
    passwordResetAttempt: (clientIp, email) => consumeInTurn([resetPerIp, clientIp], [resetCooldown, email]),
    emailTo: (email) => consume(emailsPerAddress, email),
    close: () => pool.end(),
  };
}

/** The per-client limit first: a client over it spends nothing of the narrower one's budget. */
async function consumeInTurn(
  ...limits: [[RateLimiterPostgres, string], [RateLimiterPostgres, string]]
): Promise<RateLimitVerdict> {
  const [[first, firstKey], [second, secondKey]] = limits;
  const verdict = await consume(first, firstKey);
  return verdict.allowed ? consume(second, secondKey) : verdict;
}

async function consume(limiter: RateLimiterPostgres, key: string): Promise<RateLimitVerdict> {
  try {
    // Keys are digests: the table never holds an address or an IP, and stays within its 255 characters.
    await limiter.consume(createHash('sha256').update(key).digest('base64url'));
    return { allowed: true };
  } catch (rejection) {
    // The library rejects with its result when the limit is reached, and with an Error when the
    // database fails; the latter is unexpected and goes up to the caller.
    if (rejection instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    throw rejection;
  }
}

/** Housekeeping: counters whose window has passed, which no limit reads again. */
export async function deleteExpiredCounters(db: Database, now = new Date()): Promise<number> {
  return db.$executeRaw`DELETE FROM rate_limit.counters WHERE expire < ${now.getTime()}`;
}
