import 'server-only';
import { PgBoss } from 'pg-boss';
import type { Logger } from '../logging/logger.server.ts';
import { confirmationEmailDeadLetterQueueOptions, confirmationEmailQueueOptions } from './confirmation-email-job.ts';
import { confirmationResendQueueOptions } from './confirmation-resend-job.ts';

type Role = 'web' | 'worker';

/**
 * A pg-boss instance for one kind of process. The web tier only enqueues (sign-ups inside Prisma
 * transactions), so it runs none of pg-boss's background duties and keeps a tiny pool; workers
 * listen for NOTIFY and run maintenance.
 */
export function createBoss(databaseUrl: string, role: Role, logger?: Logger): PgBoss {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    application_name: `signup-${role}`,
    ...(role === 'web'
      ? { max: 2, supervise: false, schedule: false, registerInstance: false }
      : {
          max: 4,
          useListenNotify: true,
          instanceName: 'confirmation-worker',
          // Maintenance finds the jobs of a killed or frozen worker (heartbeat lost) and releases
          // them for retry. Its default pass every 60 s would leave such an email waiting a minute or
          // more; every 2 s it is taken over about as soon as its heartbeat lapses. The pass is
          // claimed per queue in the database, so more workers do not mean more passes.
          superviseIntervalSeconds: 2,
          monitorIntervalSeconds: 2,
        }),
  });
  // pg-boss reports background failures (a lost connection, a failed maintenance run) as 'error'
  // events; unhandled, Node would crash the process on the first one.
  boss.on('error', (error) =>
    logger ? logger.error({ err: error }, 'pg-boss error') : console.error(`[pg-boss] ${error.message}`),
  );
  return boss;
}

/**
 * Starts pg-boss (installing or migrating its schema, under its own advisory lock, so any number of
 * processes may race here) and makes the queues match their definitions.
 */
export async function startBoss(boss: PgBoss): Promise<PgBoss> {
  await boss.start();
  for (const { name, ...options } of [
    confirmationEmailDeadLetterQueueOptions,
    confirmationEmailQueueOptions,
    confirmationResendQueueOptions,
  ]) {
    await boss.createQueue(name, options);
    // createQueue leaves an existing queue as it was; this brings its settings up to date.
    await boss.updateQueue(name, options);
  }
  return boss;
}
