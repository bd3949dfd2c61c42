import 'server-only';
import type { JobResult, PgBoss } from 'pg-boss';
import type { Logger } from '../logging/logger.server.ts';
import type { AnyJobDefinition, BatchFetch, StreamedFetch } from './job-definition.ts';
import { runJob } from './run-job.server.ts';
import { listenForWakes, streamJobs, type JobStream } from './stream-jobs.server.ts';

export type WorkingJobs = {
  /**
   * Stops the streamed loops: they fetch no more, finish what they hold within `graceMs` and hand
   * the rest back. pg-boss's own loops stop with pg-boss.
   */
  stopStreams(graceMs: number): Promise<void>;
};

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
): Promise<WorkingJobs> {
  const streams: { channel: string; stream: JobStream }[] = [];
  for (const job of jobs) {
    const fetch = job.fetch(deps);
    if (isStreamed(fetch)) {
      streams.push({ channel: fetch.wakeChannel, stream: streamJobs(boss, job, deps, fetch, logger) });
    } else {
      await workInBatches(boss, job, deps, fetch, logger);
    }
    if (job.schedule) await boss.schedule(job.name, job.schedule(deps), {}, { tz: 'UTC' });
  }
  const listeners = await Promise.all(
    [...new Set(streams.map(({ channel }) => channel))].map((channel) =>
      listenForWakes(
        boss,
        channel,
        () => {
          for (const entry of streams) if (entry.channel === channel) entry.stream.wake();
        },
        logger,
      ),
    ),
  );
  return {
    async stopStreams(graceMs) {
      await Promise.all(listeners.map((listener) => listener.close()));
      await Promise.all(streams.map(({ stream }) => stream.stop(graceMs)));
    },
  };
}

function isStreamed(fetch: BatchFetch | StreamedFetch): fetch is StreamedFetch {
  return 'window' in fetch;
}

async function workInBatches<Deps>(
  boss: PgBoss,
  job: AnyJobDefinition<Deps>,
  deps: Deps,
  fetch: BatchFetch,
  logger: Logger,
): Promise<void> {
  await boss.work(
    job.name,
    {
      // Fetched but not polled in a tight loop: retries coming due are not announced, so the job's
      // polling interval is their backstop.
      pollingIntervalSeconds: 1,
      ...fetch,
      // A full batch means a backlog: fetch again at once instead of waiting for the next poll.
      burstWhenBatchFull: true,
      perJobResults: true,
      // For retryCount and retryLimit: a handler knows its last attempt.
      includeMetadata: true,
    },
    (batch) =>
      Promise.all(
        batch.map(async (run): Promise<JobResult> => {
          const { status, output } = await runJob(job, deps, run, logger);
          return { id: run.id, status: status === 'retry' ? 'failed' : status, output };
        }),
      ),
  );
}
