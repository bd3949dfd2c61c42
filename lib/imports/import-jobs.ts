import { z } from 'zod';
import { defineJob } from '../jobs/job-definition.ts';
import { expireImport, failImport, processImport, type ImportDeps } from './import-processing.server.ts';

const payload = z.object({ importId: z.uuid() });

/**
 * Takes an import as far as it can go (processImport): queued with the upload, which it parses,
 * and again when the metadata arrives after the parse, to commit the rows. One job does an import's
 * whole commit, chunk after chunk; a job run again resumes from the rows still pending.
 */
export const importProcessJob = defineJob<{ importId: string }, ImportDeps>({
  name: 'import-process',
  payload,
  queue: {
    // The uploader is told "accepted" at once; a worker starts on it the moment it commits.
    notify: true,
    // The database away (a restart): back off for about half an hour, then the import fails.
    retryLimit: 10,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 300,
    // A killed worker's import is taken over within seconds (see boss.server.ts), and resumes.
    heartbeatSeconds: 10,
    // 500,000 rows take under two minutes; this only bounds a worker that beats but never finishes.
    expireInSeconds: 60 * 60,
    deleteAfterSeconds: 7 * 24 * 60 * 60,
  },
  // One import at a time per worker process: each keeps a core and a database connection busy, and
  // the emails it queues are sent by other fetch loops meanwhile.
  fetch: () => ({ localConcurrency: 1, batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 }),
  async run(deps, { importId }, job) {
    try {
      const state = await processImport(deps, importId);
      return { status: 'completed', output: { importId, state } };
    } catch (error) {
      // The uploader must not watch an import that nobody will finish.
      if (job.lastAttempt) await failImport(deps.db, importId, 'Processing failed repeatedly; ask the operator.');
      throw error;
    }
  },
});

/**
 * An import's deadline for its metadata (IMPORT_METADATA_WAIT after the upload): queued with the
 * upload to come due then, it fails the import if the metadata has not come.
 */
export const importExpiryJob = defineJob<{ importId: string }, Pick<ImportDeps, 'db' | 'imports'>>({
  name: 'import-metadata-expiry',
  payload,
  queue: {
    // Due later, and pg-boss announces only jobs due at once: workers poll for them.
    notify: false,
    retryLimit: 10,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 300,
    heartbeatSeconds: 10,
    expireInSeconds: 60,
    deleteAfterSeconds: 24 * 60 * 60,
  },
  fetch: () => ({ localConcurrency: 1, batchSize: 8, pollingIntervalSeconds: 5 }),
  async run({ db, imports }, { importId }) {
    const expired = await expireImport(db, importId, imports.metadataWaitSeconds);
    return { status: 'completed', output: { importId, expired } };
  },
});
