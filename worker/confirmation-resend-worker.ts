import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import { resendConfirmationEmail } from '../lib/accounts/resend-confirmation-email.server.ts';
import type { Logger } from '../lib/logging/logger.server.ts';
import { confirmationResendJobSchema, confirmationResendQueue } from '../lib/jobs/confirmation-resend-job.ts';
import type { Services } from '../lib/services.server.ts';

/** Subscribes this process to the resend queue. Returns the pg-boss worker id. */
export function startConfirmationResendWorker(boss: PgBoss, deps: Services, logger: Logger): Promise<string> {
  return boss.work(
    confirmationResendQueue,
    {
      // Resends are few next to emails (limited per client and per address), each a lookup and a
      // short transaction: one fetch loop per process is plenty, and small batches leave most of the
      // database connections to the email sends.
      localConcurrency: 1,
      batchSize: 4,
      burstWhenBatchFull: true,
      perJobResults: true,
      includeMetadata: true,
      // Resend jobs come due a second after they are queued, unannounced (see their queue): this poll
      // decides how much later than that the email is queued.
      pollingIntervalSeconds: 1,
    },
    (jobs) => Promise.all(jobs.map((job) => runJob(deps, job, logger))),
  );
}

async function runJob(deps: Services, job: JobWithMetadata<unknown>, parentLogger: Logger): Promise<JobResult> {
  const logger = parentLogger.child({ jobId: job.id, attempt: job.retryCount + 1 });
  const payload = confirmationResendJobSchema.safeParse(job.data);
  if (!payload.success) {
    // Retrying cannot mend it. With no dead-letter queue for resends (see their queue options) this
    // fails the job for good, skipping its retries.
    logger.error('malformed confirmation-resend job; failing it');
    return { id: job.id, status: 'deadletter', output: { reason: 'malformed job' } };
  }
  try {
    // The job's id names the request: a job run again (its worker died after the commit, before
    // pg-boss recorded it done) finds the delivery it made and queues no second email.
    const outcome = await resendConfirmationEmail(deps, { email: payload.data.email, requestKey: job.id });
    logger.info(outcome, 'confirmation resend job done');
    return { id: job.id, status: 'completed', output: outcome };
  } catch (error) {
    logger.error({ err: error }, 'confirmation resend job failed');
    return { id: job.id, status: 'failed', output: { reason: error instanceof Error ? error.message : 'unknown' } };
  }
}
