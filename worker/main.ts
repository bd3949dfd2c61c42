import { loadConfig } from '../lib/config.server.ts';
import { createDatabase } from '../lib/database.server.ts';
import { createMailer } from '../lib/mail/mailer.server.ts';
import { createBoss, startBoss } from '../lib/queue/boss.server.ts';
import { startConfirmationWorker } from './confirmation-worker.ts';

// How long a stopping worker may spend finishing the jobs in hand; jobs still running then are
// released for another worker to retry.
const shutdownGraceMs = 30_000;

const config = loadConfig();
const db = createDatabase(config.databaseUrl);
const mailer = createMailer(config.smtp);
const boss = await startBoss(createBoss(config.databaseUrl, 'worker'));

await startConfirmationWorker(
  boss,
  { db, mailer, appUrl: config.appUrl, mailFrom: config.mailFrom },
  { concurrency: config.workerConcurrency },
);
console.log(JSON.stringify({ msg: 'worker ready', concurrency: config.workerConcurrency }));

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ msg: 'worker stopping', signal }));
  await boss.stop({ graceful: true, timeout: shutdownGraceMs });
  mailer.close();
  await db.$disconnect();
  console.log(JSON.stringify({ msg: 'worker stopped' }));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('worker failed to stop cleanly', error);
        process.exit(1);
      },
    );
  });
}
