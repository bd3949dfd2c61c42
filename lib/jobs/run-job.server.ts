import 'server-only';
import type { JobWithMetadata } from 'pg-boss';
import type { Logger } from '../logging/logger.server.ts';
import type { AnyJobDefinition, JobOutcome } from './job-definition.ts';

/**
 * Runs one fetched job: checks its payload, calls its handler, and says how to settle it. Never
 * throws: a handler that does (the database, most likely) gets its job retried.
 */
export async function runJob<Deps>(
  job: AnyJobDefinition<Deps>,
  deps: Deps,
  run: JobWithMetadata<unknown>,
  logger: Logger,
): Promise<JobOutcome> {
  const context = { job: job.name, jobId: run.id, attempt: run.retryCount + 1 };
  const payload = job.payload.safeParse(run.data);
  if (!payload.success) {
    // Retrying cannot mend it.
    logger.error(context, 'malformed job; giving up on it');
    return { status: 'deadletter', output: { reason: 'malformed job' } };
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
    logger.error({ ...context, err: error }, 'job failed');
    return { status: 'retry', output: { reason: error instanceof Error ? error.message : 'unknown' } };
  }
  // A line per routine run would be most of a busy worker's logging; what went wrong is told at info.
  if (outcome.status === 'completed') logger.debug({ ...context, ...outcome.output }, 'job completed');
  else logger.info({ ...context, ...outcome.output }, `job ${outcome.status}`);
  return outcome;
}
