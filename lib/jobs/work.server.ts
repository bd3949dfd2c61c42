import 'server-only';
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from '../logging/logger.server.ts';
import type { AnyJobDefinition, JobOutcome } from './job-definition.ts';

/**
 * Subscribes this process to every job in `jobs` and installs their schedules. The wiring (payload
 * check, outcome to pg-boss's settlement, logging) is the same for all, so a job declares only what
 * it does.
 */
export async function workJobs<Deps>(
  boss: PgBoss,
  jobs: readonly AnyJobDefinition<Deps>[],
  deps: Deps,
  logger: Logger,
): Promise<void> {
  for (const job of jobs) {
    await boss.work(
      job.name,
      {
        // Fetched but not polled in a tight loop: NOTIFY wakes the workers for new jobs, and retries
        // coming due are not announced, so the job's polling interval is their backstop.
        pollingIntervalSeconds: 1,
        ...job.fetch(deps),
        // A full batch means a backlog: fetch again at once instead of waiting for the next poll.
        burstWhenBatchFull: true,
        perJobResults: true,
        // For retryCount and retryLimit: a handler knows its last attempt.
        includeMetadata: true,
      },
      (batch) => Promise.all(batch.map((run) => runJob(job, deps, run, logger))),
    );
    if (job.schedule) await boss.schedule(job.name, job.schedule(deps), {}, { tz: 'UTC' });
  }
}

async function runJob<Deps>(
  job: AnyJobDefinition<Deps>,
  deps: Deps,
  run: JobWithMetadata<unknown>,
  parentLogger: Logger,
): Promise<JobResult> {
  const logger = parentLogger.child({ job: job.name, jobId: run.id, attempt: run.retryCount + 1 });
  const payload = job.payload.safeParse(run.data);
  if (!payload.success) {
    // Retrying cannot mend it.
    logger.error('malformed job; giving up on it');
    return { id: run.id, status: 'deadletter', output: { reason: 'malformed job' } };
  }
  let outcome: JobOutcome;
  try {
    outcome = await job.run(deps, payload.data, {
      id: run.id,
      attempt: run.retryCount + 1,
      lastAttempt: run.retryCount >= run.retryLimit,
    });
  } catch (error) {
    // The database, most likely: leave it to pg-boss to retry (its settlement may fail too while the
    // database is away; then the heartbeat lapses and another worker takes the job over).
    logger.error({ err: error }, 'job failed');
    return { id: run.id, status: 'failed', output: { reason: error instanceof Error ? error.message : 'unknown' } };
  }
  logger.info(outcome.output ?? {}, `job ${outcome.status}`);
  return { id: run.id, status: outcome.status === 'retry' ? 'failed' : outcome.status, output: outcome.output };
}
