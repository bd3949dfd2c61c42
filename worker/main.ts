import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../lib/config/config.server.ts';
import { createLogger } from '../lib/logging/logger.server.ts';
import { startWorkerProcess, type RunningWorker } from './worker-process.ts';

const logger = createLogger('worker');
const config = loadConfig();

let worker: RunningWorker | undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    // Still waiting for the database: nothing is held, so there is nothing to finish.
    (worker?.stop() ?? Promise.resolve()).then(
      () => {
        logger.info('worker stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'worker failed to stop cleanly');
        process.exit(1);
      },
    );
  });
}

// A worker started while the database is away (a restart, a failover) waits for it rather than
// exiting; once running, pg-boss and the pools reconnect by themselves.
for (let pauseMs = 500; !stopping && !worker; pauseMs = Math.min(pauseMs * 2, 5_000)) {
  try {
    worker = await startWorkerProcess(config, logger);
  } catch (error) {
    logger.warn({ err: error, retryInMs: pauseMs }, 'worker could not start; trying again');
    await sleep(pauseMs);
  }
}
