import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from '../logging/logger.server.ts';
import type { AnyJobDefinition, JobOutcome, StreamedFetch } from './job-definition.ts';
import { runJob } from './run-job.server.ts';

export type JobStream = {
  /** A new job may be waiting: fetch now rather than at the next poll. */
  wake(): void;
  /**
   * Stops fetching, lets the runs in hand end within `graceMs`, hands those still running back to
   * pg-boss for another worker, and settles the rest.
   */
  stop(graceMs: number): Promise<void>;
};

type Ended = { run: JobWithMetadata<unknown>; outcome: JobOutcome };

/**
 * The loop behind a StreamedFetch. pg-boss's own loop fetches a batch and fetches again only once
 * the whole batch is done, so a slow server holds it for the slowest email of the batch, and a
 * batch of one (what a trickle of sign-ups brings) holds it as long as a full one. This loop
 * fetches whenever the window has room, as many jobs as fit, so what is in hand follows the window.
 *
 * It uses pg-boss's public calls only: fetch, touch (the heartbeat, for every job in hand), complete
 * and fail (fenced to the attempt fetched, so a job another worker took over is left alone). Runs
 * that ended with the same output settle in one statement. Public calls cannot send a job to the
 * dead-letter queue past its remaining retries; such a job is failed with its retry limit lowered
 * to the attempt it is on, so its next run is its last, and the job's handler must give up on it
 * then too (see sendEmailJob).
 */
export function streamJobs<Deps>(
  boss: PgBoss,
  job: AnyJobDefinition<Deps>,
  deps: Deps,
  { window, pollingIntervalSeconds }: StreamedFetch,
  logger: Logger,
): JobStream {
  const stopping = new AbortController();
  const running = new Map<string, Promise<void>>();
  // Fetched and not yet settled: this worker holds them and keeps their heartbeat.
  const held = new Map<string, JobWithMetadata<unknown>>();
  const ended: Ended[] = [];
  let settling: Promise<void> | undefined;
  let settledForGood = false;

  let rung = false;
  let ring: (() => void) | undefined;
  const pause = async (ms: number) => {
    if (rung || stopping.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        ring = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done, { once: true });
      ring = done;
    });
  };

  const start = (run: JobWithMetadata<unknown>) => {
    const slot = window.take();
    held.set(run.id, run);
    const done = runJob(job, deps, run, logger).then((outcome) => {
      slot.release(outcome.server);
      running.delete(run.id);
      ended.push({ run, outcome });
      settle();
    });
    running.set(run.id, done);
  };

  const settle = () => {
    if (settling || settledForGood) return;
    settling = (async () => {
      while (ended.length > 0) await settleBatch(ended.splice(0));
    })().finally(() => {
      settling = undefined;
      // A run may have ended between the last batch and here.
      if (ended.length > 0) settle();
    });
  };

  const settleBatch = async (batch: Ended[]) => {
    const groups = new Map<string, { how: JobOutcome['status']; output?: object; runs: JobWithMetadata<unknown>[] }>();
    for (const { run, outcome } of batch) {
      // One run's last attempt is an ordinary failure: pg-boss dead-letters it itself.
      const how = outcome.status === 'deadletter' && run.retryCount >= run.retryLimit ? 'retry' : outcome.status;
      const key = `${how} ${JSON.stringify(outcome.output ?? null)}`;
      const group = groups.get(key) ?? { how, output: outcome.output, runs: [] };
      group.runs.push(run);
      groups.set(key, group);
    }
    await Promise.all(
      [...groups.values()].map(async ({ how, output, runs }) => {
        try {
          if (how === 'completed') {
            await boss.complete(job.name, runs, output);
          } else {
            await boss.fail(job.name, runs, output);
            // Due again at once, as its last attempt.
            if (how === 'deadletter') {
              for (const run of runs) {
                await boss.update(job.name, undefined, {
                  id: run.id,
                  retryLimit: run.retryCount + 1,
                  startAfter: 0,
                });
              }
            }
          }
        } catch (error) {
          // Left active, their heartbeat stops below: another worker takes them over and finds what
          // this one did (the email's delivery record says it was sent).
          logger.error({ err: error, job: job.name, jobs: runs.length }, 'settling jobs failed');
        }
        for (const run of runs) held.delete(run.id);
      }),
    );
  };

  // The heartbeat pg-boss's own loops keep for the jobs they hold: a worker that dies stops it, and
  // maintenance hands its jobs to another worker.
  const heartbeatMs = ((job.queue.heartbeatSeconds ?? 0) * 1000) / 2;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          if (held.size === 0) return;
          boss.touch(job.name, [...held.values()]).catch((error: unknown) => {
            logger.warn({ err: error, job: job.name }, 'heartbeat failed');
          });
        }, heartbeatMs)
      : undefined;

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const room = window.room();
      if (room === 0) {
        await window.whenRoom(stopping.signal);
        continue;
      }
      rung = false;
      let fetched: JobWithMetadata<unknown>[] = [];
      try {
        fetched = await boss.fetch(job.name, { batchSize: room, includeMetadata: true });
      } catch (error) {
        logger.error({ err: error, job: job.name }, 'fetching jobs failed');
      }
      for (const run of fetched) start(run);
      // A full fetch means more may be waiting.
      if (fetched.length < room) await pause(pollingIntervalSeconds * 1000);
    }
  })();

  return {
    wake() {
      rung = true;
      ring?.();
    },
    async stop(graceMs) {
      stopping.abort();
      await loop;
      await Promise.race([Promise.all(running.values()), sleep(graceMs)]);
      const unfinished = [...held.values()].filter((run) => running.has(run.id));
      if (unfinished.length > 0) {
        await boss
          .fail(job.name, unfinished, { reason: 'the worker stopped before the job ended' })
          .catch((error: unknown) => logger.error({ err: error, job: job.name }, 'releasing jobs failed'));
        for (const run of unfinished) held.delete(run.id);
      }
      while (settling) await settling;
      // What ends later belongs to the jobs handed back: pg-boss settles those elsewhere.
      settledForGood = true;
      clearInterval(heartbeat);
    },
  };
}

/**
 * Wakes `onWake` on every NOTIFY on `channel`, through pg-boss's own listener (a dedicated
 * connection it keeps alive and re-subscribes), and after each reconnect, since notifications sent
 * meanwhile were missed. Without LISTEN (a pooler in transaction mode), the loops only poll.
 */
export async function listenForWakes(
  boss: PgBoss,
  channel: string,
  onWake: () => void,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  const db = boss.getDb();
  try {
    if (db.listen) return await db.listen(channel, onWake, onWake);
  } catch (error) {
    logger.warn({ err: error, channel }, 'LISTEN failed; new jobs are found by polling only');
  }
  return { close: async () => {} };
}
