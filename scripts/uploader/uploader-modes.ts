import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../lib/db/database.server.ts';
import { createApiKey } from '../../lib/imports/api-keys.server.ts';
import { startWeb, startWorker } from '../local-stack/app-processes.ts';
import type { Supervisor } from '../local-stack/supervisor.ts';
import { playLegacyUploader, type UploaderRun } from './legacy-uploader.ts';

export type ImportMode = 'deferred' | 'in-request';

export type UploaderComparison = Record<ImportMode, UploaderRun>;

export type UploaderStack = {
  root: string;
  supervisor: Supervisor;
  db: Database;
  /** The app's environment (database, SMTP, limits); the mode is added per run. */
  env: NodeJS.ProcessEnv;
  appPort: number;
  logDir: string;
};

/**
 * The legacy uploader against the product (IMPORT_PROCESSING=deferred) and against the design it
 * replaces (in-request: the web process parses the file before answering the upload and commits its
 * rows before answering the metadata), each on a web process and a worker of its own.
 */
export async function compareUploaderModes(
  stack: UploaderStack,
  {
    files,
    rowsPerFile,
    completionTimeoutSeconds,
    log,
  }: {
    files: number;
    rowsPerFile: number;
    completionTimeoutSeconds: number;
    log: (message: string) => void;
  },
): Promise<UploaderComparison> {
  const runs: Partial<UploaderComparison> = {};
  for (const mode of ['deferred', 'in-request'] as const) {
    const logDir = path.join(stack.logDir, `uploader-${mode}`);
    await mkdir(logDir, { recursive: true });
    const env = { ...stack.env, IMPORT_PROCESSING: mode };
    const processOptions = (name: string) => ({ root: stack.root, env, logFile: path.join(logDir, `${name}.log`) });
    // A worker in both modes: it sends the invitations either way.
    const worker = await startWorker(stack.supervisor, `uploader-worker-${mode}`, processOptions('worker'));
    const web = await startWeb(stack.supervisor, `uploader-web-${mode}`, stack.appPort, processOptions('web'));
    try {
      const created = await createApiKey(stack.db, `uploader-${mode}-${Date.now()}`);
      if (created.status !== 'created') throw new Error('could not create an API key for the uploader');
      const appUrl = `http://127.0.0.1:${stack.appPort}`;
      // Not measured: the first requests load code and open pools.
      await playLegacyUploader({
        appUrl,
        key: created.key,
        files: 1,
        rowsPerFile: 10,
        tag: `warm-${mode}`,
        completionTimeoutSeconds: 30,
      });
      log(`${mode}: ${files} files of ${rowsPerFile} rows, one after another…`);
      const run = await playLegacyUploader({
        appUrl,
        key: created.key,
        files,
        rowsPerFile,
        tag: `${mode}-${Date.now()}`,
        completionTimeoutSeconds,
      });
      log(
        `  per file p50 ${run.interactionMs?.p50.toFixed(0)} ms, p95 ${run.interactionMs?.p95.toFixed(0)} ms; ` +
          `uploader busy ${run.totalSeconds.toFixed(1)} s; all completed after ${run.allCompletedSeconds.toFixed(1)} s ` +
          `(${run.completed}/${run.files}, ${run.usersCreated} users)`,
      );
      runs[mode] = run;
    } finally {
      await web.stop();
      await worker.stop();
    }
  }
  const { deferred, 'in-request': inRequest } = runs;
  if (!deferred || !inRequest) throw new Error('an uploader run is missing');
  return { deferred, 'in-request': inRequest };
}
