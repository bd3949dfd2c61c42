import { z } from 'zod';
import { deleteExpiredSessions, type SessionSettings } from '../accounts/sessions.server.ts';
import { deleteUnconfirmedAccounts } from '../accounts/unconfirmed-accounts.server.ts';
import type { Database } from '../db/database.server.ts';
import { deleteFinishedImports } from '../imports/import-status.server.ts';
import { defineJob } from '../jobs/job-definition.ts';
import { deleteExpiredCounters } from '../rate-limit/rate-limits.server.ts';
import { deleteDeadTokens } from '../tokens/tokens.server.ts';

/**
 * The recurring clean-up: accounts never confirmed (UNCONFIRMED_ACCOUNT_DAYS after sign-up),
 * sessions past their expiry, tokens that can no longer be used, rate-limit counters whose
 * window has passed and imports finished IMPORT_RETENTION_DAYS ago. Each folder deletes its own rows; this job only runs them on the schedule
 * (HOUSEKEEPING_SCHEDULE, daily by default).
 */
type CleanupDeps = {
  db: Database;
  sessions: SessionSettings;
  housekeeping: { schedule: string; unconfirmedAccountMs: number; finishedImportMs: number };
};

export const cleanupJob = defineJob<object, CleanupDeps>({
  name: 'housekeeping-cleanup',
  payload: z.object({}),
  queue: {
    // Woken on its schedule (or by an operator's send) rather than found by the 30 s poll below.
    notify: true,
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    heartbeatSeconds: 30,
    expireInSeconds: 15 * 60,
    deleteAfterSeconds: 7 * 24 * 60 * 60,
  },
  fetch: () => ({ localConcurrency: 1, batchSize: 1, pollingIntervalSeconds: 30 }),
  schedule: ({ housekeeping }) => housekeeping.schedule,
  async run({ db, sessions, housekeeping }) {
    const now = new Date();
    const unconfirmedAccounts = await deleteUnconfirmedAccounts(db, housekeeping.unconfirmedAccountMs, now);
    const expiredSessions = await deleteExpiredSessions(db, sessions, now);
    const tokens = await deleteDeadTokens(db, now);
    const rateLimitCounters = await deleteExpiredCounters(db, now);
    const finishedImports = await deleteFinishedImports(db, housekeeping.finishedImportMs, now);
    return {
      status: 'completed',
      output: { unconfirmedAccounts, expiredSessions, tokens, rateLimitCounters, finishedImports },
    };
  },
});
