import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from '../lib/logger.server.ts';
import { confirmationEmailJobSchema, confirmationEmailQueue } from '../lib/queue/confirmation-email-job.ts';
import {
  sendConfirmationEmails,
  type SendConfirmationEmailDeps,
  type SendResult,
} from '../lib/mail/send-confirmation-email.server.ts';

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
    (jobs) => runJobs(deps, jobs, logger),
  );
}

async function runJobs(
  deps: SendConfirmationEmailDeps,
  jobs: JobWithMetadata<unknown>[],
  parentLogger: Logger,
): Promise<JobResult[]> {
  const runs = jobs.map((job) => ({
    job,
    logger: parentLogger.child({ jobId: job.id, attempt: job.retryCount + 1 }),
    payload: confirmationEmailJobSchema.safeParse(job.data),
  }));
  const sendable = runs.flatMap(({ job, payload }) =>
    payload.success ? [{ deliveryId: payload.data.deliveryId, lastAttempt: job.retryCount >= job.retryLimit }] : [],
  );
  // The whole batch in one claim; a database failure there fails every job of it alike.
  const outcomes = await sendConfirmationEmails(deps, sendable).catch((error: unknown) =>
    sendable.map((): PromiseRejectedResult => ({ status: 'rejected', reason: error })),
  );
  let next = 0;
  return runs.map(({ job, logger, payload }) => {
    if (!payload.success) {
      logger.error('malformed confirmation-email job; dead-lettering it');
      return { id: job.id, status: 'deadletter', output: { reason: 'malformed job' } };
    }
    return jobResult(job.id, payload.data.deliveryId, outcomes[next++]!, logger);
  });
}

function jobResult(
  id: string,
  deliveryId: string,
  outcome: PromiseSettledResult<SendResult>,
  logger: Logger,
): JobResult {
  if (outcome.status === 'rejected') {
    // The database, not the mail server: leave it to pg-boss to retry (its settlement may fail too
    // while the database is away; then the heartbeat lapses and another worker takes the job over).
    const error: unknown = outcome.reason;
    logger.error({ deliveryId, err: error }, 'confirmation email job failed');
    return { id, status: 'failed', output: { reason: error instanceof Error ? error.message : 'unknown' } };
  }
  const result = outcome.value;
  logger.info({ deliveryId, ...result }, 'confirmation email job done');
  // Busy: the worker that holds the send records it soon; the retry then finds it sent.
  if (result.status === 'busy') return { id, status: 'failed', output: result };
  if (result.status !== 'failed') return { id, status: 'completed', output: result };
  // 'failed' has pg-boss retry it with backoff; a permanent refusal, or the last attempt, goes
  // straight to the dead-letter queue.
  return { id, status: result.retry ? 'failed' : 'deadletter', output: result };
}
