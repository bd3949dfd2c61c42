import { loadConfig } from '../lib/config.server.ts';
import { createLogger } from '../lib/logger.server.ts';
import { startWorkerProcess } from './worker-process.ts';

const logger = createLogger('worker');
const worker = await startWorkerProcess(loadConfig(), logger);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    worker.stop().then(
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
