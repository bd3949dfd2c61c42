import 'server-only';
import { PgBoss } from 'pg-boss';
import type { Logger } from '../logging/logger.server.ts';
import { deadLetterQueueOf, type AnyJobDefinition } from './job-definition.ts';

type Role = 'web' | 'worker';

/**
 * A pg-boss instance for one kind of process. The web tier only enqueues (inside Prisma
 * transactions), so it runs none of pg-boss's background duties and keeps a tiny pool; workers
 * listen for NOTIFY, run maintenance and the schedules.
 */
export function createBoss(databaseUrl: string, role: Role, logger: Logger): PgBoss {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    application_name: `signup-${role}`,
    ...(role === 'web'
      ? { max: 2, supervise: false, schedule: false, registerInstance: false }
      : {
          max: 4,
          useListenNotify: true,
          instanceName: 'worker',
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
  boss.on('error', (error) => logger.error({ err: error }, 'pg-boss error'));
  return boss;
}

/**
 * Starts pg-boss (installing or migrating its schema, under its own advisory lock, so any number of
 * processes may race here) and makes the queues of `jobs` match their definitions.
 */
export async function startBoss(boss: PgBoss, jobs: readonly AnyJobDefinition[]): Promise<PgBoss> {
  await boss.start();
  for (const job of jobs) {
    const deadLetter = job.deadLetter ? deadLetterQueueOf(job) : undefined;
    if (job.deadLetter && deadLetter) await upsertQueue(boss, deadLetter, job.deadLetter);
    await upsertQueue(boss, job.name, { ...job.queue, ...(deadLetter ? { deadLetter } : {}) });
  }
  return boss;
}

async function upsertQueue(boss: PgBoss, name: string, options: object): Promise<void> {
  await boss.createQueue(name, options);
  // createQueue leaves an existing queue as it was; this brings its settings up to date.
  await boss.updateQueue(name, options);
}

/**
 * Moves the jobs still waiting under a queue's former names (and in their dead-letter queues) to
 * the queue's present ones. Jobs a worker of the old release holds are left to it.
 */
export async function moveFormerQueues(boss: PgBoss, jobs: readonly AnyJobDefinition[]): Promise<number> {
  let moved = 0;
  for (const job of jobs) {
    for (const former of job.formerNames ?? []) {
      const pairs = [[former, job.name]];
      if (job.deadLetter) pairs.push([deadLetterQueueOf({ name: former }), deadLetterQueueOf(job)]);
      for (const [from, to] of pairs) {
        if (!from || !to || !(await boss.getQueue(from))) continue;
        // redrive moves up to 1000 jobs a call, oldest first.
        for (let count = -1; count !== 0; moved += count) count = await boss.redrive(from, { destination: to });
      }
    }
  }
  return moved;
}
