import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from '../lib/logging/logger.server.ts';
import { confirmationEmailJobSchema, confirmationEmailQueue } from '../lib/jobs/confirmation-email-job.ts';
import { sendConfirmationEmail, type SendConfirmationEmailDeps } from '../lib/email/send-confirmation-email.server.ts';

export type ConfirmationWorkerOptions = {
  /** Fetch loops in this process, each sending its batch at once: concurrency × batchSize emails in flight. */
  concurrency: number;
  batchSize: number;
};

/** Subscribes this process to the confirmation-email queue. Returns the pg-boss worker id. */
export function startConfirmationWorker(
  boss: PgBoss,
  deps: SendConfirmationEmailDeps,
  { concurrency, batchSize }: ConfirmationWorkerOptions,
  logger: Logger,
): Promise<string> {
  return boss.work(
    confirmationEmailQueue,
    {
      localConcurrency: concurrency,
      batchSize,
      // A full batch means a backlog: fetch again at once instead of waiting for the next poll.
      burstWhenBatchFull: true,
      perJobResults: true,
      // For retryCount and retryLimit: the last attempt records the delivery as failed.
      includeMetadata: true,
      // NOTIFY wakes the worker for new jobs; retries coming due are not announced, so this
      // backstop poll decides how soon they are picked up (and all of them while LISTEN is down).
      pollingIntervalSeconds: 1,
      notifyPollingIntervalSeconds: 1,
    },
    (jobs) => Promise.all(jobs.map((job) => runJob(deps, job, logger))),
  );
}

async function runJob(
  deps: SendConfirmationEmailDeps,
  job: JobWithMetadata<unknown>,
  parentLogger: Logger,
): Promise<JobResult> {
  const logger = parentLogger.child({ jobId: job.id, attempt: job.retryCount + 1 });
  const payload = confirmationEmailJobSchema.safeParse(job.data);
  if (!payload.success) {
    logger.error('malformed confirmation-email job; dead-lettering it');
    return { id: job.id, status: 'deadletter', output: { reason: 'malformed job' } };
  }
  const { deliveryId } = payload.data;
  try {
    const result = await sendConfirmationEmail(deps, { deliveryId, lastAttempt: job.retryCount >= job.retryLimit });
    logger.info({ deliveryId, ...result }, 'confirmation email job done');
    // Busy: the worker that holds the send records it soon; the retry then finds it sent.
    if (result.status === 'busy') return { id: job.id, status: 'failed', output: result };
    if (result.status !== 'failed') return { id: job.id, status: 'completed', output: result };
    // 'failed' has pg-boss retry it with backoff; a permanent refusal, or the last attempt, goes
    // straight to the dead-letter queue.
    return { id: job.id, status: result.retry ? 'failed' : 'deadletter', output: result };
  } catch (error) {
    // The database, not the mail server: leave it to pg-boss to retry (its settlement may fail too
    // while the database is away; then the heartbeat lapses and another worker takes the job over).
    logger.error({ deliveryId, err: error }, 'confirmation email job failed');
    return { id: job.id, status: 'failed', output: { reason: error instanceof Error ? error.message : 'unknown' } };
  }
}
