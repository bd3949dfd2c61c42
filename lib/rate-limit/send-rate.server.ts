import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../logging/logger.server.ts';

/** The emails per second every worker together may hand to the SMTP server. */
export type SendRate = {
  /** Waits until one more email fits in this second's budget. */
  take(): Promise<void>;
  close(): Promise<void>;
};

/**
 * A budget of `perSecond` sends shared by every worker, counted in PostgreSQL beside the other
 * limits, so that a large burst cannot trip a provider's own limit however many workers run. Each
 * lane of the outbox (`email-send`, `email-send-bulk`) has a budget of its own, by its name.
 */
export function createSendRate(databaseUrl: string, lane: string, perSecond: number, logger: Logger): SendRate {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'signup-send-rate' });
  // An idle client that loses its connection emits 'error'; unhandled, it would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'send-rate pool error'));
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    schemaName: 'rate_limit',
    tableName: 'counters',
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix: lane,
    points: perSecond,
    duration: 1,
  });
  return {
    async take() {
      for (;;) {
        try {
          await limiter.consume('all');
          return;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          await sleep(rejection.msBeforeNext);
        }
      }
    },
    close: () => pool.end(),
  };
}
