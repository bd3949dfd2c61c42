import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fromPrisma } from 'pg-boss';
import { sendEmailJob } from '../../lib/email/send-email-job.ts';
import type { WebServices } from '../../lib/services.server.ts';
import { hashPassword } from '../../lib/accounts/password.server.ts';
import type { DiscardingSmtpSink } from '../../testing/smtp-sink.ts';
import type { SupervisedProcess } from '../local-stack/supervisor.ts';

export type WorkerThroughput = {
  workers: number;
  /** SMTP_MAX_IN_FLIGHT: the most emails each worker may have in flight (it adapts below that). */
  maxEmailsInFlight: number;
  backlog: number;
  delivered: number;
  /** False when the time limit ended the drain first. */
  drained: boolean;
  /** From the backlog's commit to the last email accepted (or the time limit). */
  drainSeconds: number;
  /** delivered / drainSeconds. */
  emailsPerSecond: number;
  /** Between the first and the last email accepted: the rate once every worker is busy. */
  steadyEmailsPerSecond: number;
  /** Per worker process. */
  peakRssBytes: number[];
  workerCpuMsPerEmail: number;
  /** The machine's 1-minute load average at the end of the drain. */
  loadAverage: number;
};

type DrainOptions = {
  services: Pick<WebServices, 'db' | 'boss' | 'outbox'>;
  sink: DiscardingSmtpSink;
  startWorkers(count: number): Promise<SupervisedProcess[]>;
  workers: number;
  maxEmailsInFlight: number;
  backlog: number;
  timeoutSeconds: number;
  tag: string;
};

/**
 * Starts `workers` worker processes, commits a backlog of confirmation emails for real users in one go,
 * and times how fast they reach the SMTP sink. Whatever is left at the time limit is deleted.
 */
export async function measureWorkerThroughput(options: DrainOptions): Promise<WorkerThroughput> {
  const { services, sink, workers, backlog } = options;
  const recipients = await createUsers(services, backlog, options.tag);
  const processes = await options.startWorkers(workers);
  const cpuBefore = await Promise.all(processes.map((worker) => worker.stats()));

  const enqueuedAt = await enqueue(
    services,
    recipients.map(({ id }) => id),
  );
  const missing = await sink.waitForRecipients(
    recipients.map(({ email }) => email),
    options.timeoutSeconds * 1000,
  );
  const arrivals = recipients
    .map(({ email }) => sink.acceptedAt.get(email))
    .filter((at) => at !== undefined)
    .sort((a, b) => a - b);
  const finishedAt = missing === 0 ? (arrivals.at(-1) ?? performance.now()) : performance.now();

  const statsAfter = await Promise.all(processes.map((worker) => worker.stats()));
  await Promise.all(processes.map((worker) => worker.stop()));
  await services.boss.deleteQueuedJobs(sendEmailJob.name);

  const delivered = arrivals.length;
  const drainSeconds = (finishedAt - enqueuedAt) / 1000;
  const first = arrivals[0] ?? finishedAt;
  const last = arrivals.at(-1) ?? finishedAt;
  const cpuMs = statsAfter.reduce((sum, stats, index) => sum + stats.cpuMs - (cpuBefore[index]?.cpuMs ?? 0), 0);
  return {
    workers,
    maxEmailsInFlight: options.maxEmailsInFlight,
    backlog,
    delivered,
    drained: missing === 0,
    drainSeconds,
    emailsPerSecond: delivered / drainSeconds,
    steadyEmailsPerSecond: delivered > 1 ? ((delivered - 1) * 1000) / (last - first) : 0,
    peakRssBytes: statsAfter.map((stats) => stats.peakRssBytes),
    workerCpuMsPerEmail: delivered > 0 ? cpuMs / delivered : Number.NaN,
    loadAverage: loadavg()[0] ?? Number.NaN,
  };
}

/** Real, unconfirmed accounts for the worker to read; one hash for all of them, as none signs in. */
async function createUsers({ db }: Pick<WebServices, 'db' | 'boss' | 'outbox'>, count: number, tag: string) {
  const passwordHash = await hashPassword('bench password 1234');
  const users: { id: string; email: string }[] = [];
  // Bounded batches keep each statement well under PostgreSQL's limit of 65,535 parameters.
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, (_, index) => ({
      email: `${tag}-${start + index + 1}@bench.example`,
      passwordHash,
    }));
    users.push(...(await db.user.createManyAndReturn({ data: batch, select: { id: true, email: true } })));
  }
  return users;
}

/**
 * The deliveries and their jobs in one transaction, so the whole backlog is there at once: the
 * outbox's NOTIFY wakes the workers on its commit, and they find every job.
 */
async function enqueue({ db, boss }: Pick<WebServices, 'db' | 'boss' | 'outbox'>, userIds: string[]): Promise<number> {
  await db.$transaction(async (tx) => {
    const deliveries = await tx.emailDelivery.createManyAndReturn({
      data: userIds.map((userId) => ({ id: randomUUID(), userId, kind: 'confirm' as const })),
      select: { id: true },
    });
    const jobs = deliveries.map(({ id }) => ({ data: { deliveryId: id, kind: 'confirm' as const } }));
    await boss.insert(sendEmailJob.name, jobs, { db: fromPrisma(tx) });
  });
  return performance.now();
}
