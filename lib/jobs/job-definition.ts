import type { Queue, WorkOptions } from 'pg-boss';
import type { z } from 'zod';
import type { Transaction } from '../db/database.server.ts';

/** How the server a run talked to coped, for a window that adapts to it (the email sends). */
export type ServerSignal = 'accepted' | 'pushed-back';

/** What a job's handler decided. pg-boss retries `retry` with the queue's backoff until its limit. */
export type JobOutcome = (
  | { status: 'completed'; output?: object }
  | { status: 'retry'; output?: object }
  /** Retrying cannot help: straight to the dead-letter queue, if the job has one, else failed for good. */
  | { status: 'deadletter'; output?: object }
) & { server?: ServerSignal };

/** Room for runs, for a job whose fetching follows a window that adapts (see StreamedFetch). */
export type RunWindow = {
  /** How many more runs may start now. */
  room(): number;
  /** Counts one run in; the run's end releases it with how the server coped. */
  take(): RunSlot;
  /** Resolves once there is room, or `abort` fires. */
  whenRoom(abort: AbortSignal): Promise<void>;
};

export type RunSlot = { release(signal?: ServerSignal): void };

/** pg-boss's own loops: each fetches a batch, runs it, settles it, and only then fetches again. */
export type BatchFetch = Pick<
  WorkOptions,
  'localConcurrency' | 'batchSize' | 'pollingIntervalSeconds' | 'notifyPollingIntervalSeconds'
>;

/**
 * One loop per process that keeps `window` full (stream-jobs.server.ts): whenever there is room it
 * fetches as many jobs as fit, and it settles runs as they end, whatever ended meanwhile in one go.
 * A NOTIFY on `wakeChannel` wakes it for new jobs; it polls for retries coming due.
 */
export type StreamedFetch = { window: RunWindow; wakeChannel: string; pollingIntervalSeconds: number };

/** The run of one job, as its handler sees it. */
export type JobRun = {
  id: string;
  /** 1 for the first run, counting pg-boss's retries. */
  attempt: number;
  /** No retry follows this run: the handler should settle what it can. */
  lastAttempt: boolean;
};

/**
 * A job, declared once: its queue's name and settings, the schema of its payload, how a worker
 * fetches it and what it does. Producers and the worker share the definition; the worker registers
 * every definition in lib/job-registry.server.ts, and so do the tools that list queues.
 * `Deps` is what the handler needs of the worker's services.
 */
export type JobDefinition<Payload extends object, Deps> = {
  name: string;
  payload: z.ZodType<Payload>;
  /** pg-boss queue settings: retries, backoff, heartbeat, expiry, retention, notify. */
  queue: Omit<Queue, 'name' | 'deadLetter'>;
  /** A queue of its own for jobs that gave up, kept for an operator (`npm run dead-letters`). */
  deadLetter?: { retentionSeconds: number };
  /**
   * Names this queue had in earlier releases: jobs still waiting there when the workers start are
   * moved here, so an upgrade leaves none behind.
   */
  formerNames?: string[];
  /** How each worker process fetches it, from the worker's services (so it can be configured). */
  fetch(deps: Deps): BatchFetch | StreamedFetch;
  /** A recurring job: its cron expression (UTC), read from the worker's services so it can be configured. */
  schedule?: (deps: Deps) => string;
  /** Database failures and other surprises may throw: the run is then retried like `retry`. */
  run(deps: Deps, payload: Payload, job: JobRun): Promise<JobOutcome>;
  /** Called in the transaction that sends dead letters back to the queue, with their payloads. */
  onReplay?(tx: Transaction, payloads: Payload[]): Promise<void>;
};

/** Any job definition, as registries and tools hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds jobs of every payload type
export type AnyJobDefinition<Deps = any> = JobDefinition<any, Deps>;

export function defineJob<Payload extends object, Deps>(
  definition: JobDefinition<Payload, Deps>,
): JobDefinition<Payload, Deps> {
  return definition;
}

export function deadLetterQueueOf(job: Pick<AnyJobDefinition, 'name'>): string {
  return `${job.name}-dead`;
}
