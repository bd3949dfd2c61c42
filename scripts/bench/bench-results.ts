import type { BenchOptions } from './bench-options.ts';
import type { Distribution } from './distribution.ts';
import type { EnumerationTiming } from './enumeration-timing.ts';
import type { ImportBench } from './import-bench.ts';
import type { MailCase } from './mail-under-load.ts';
import type { SignupFloor } from './sign-up-floor.ts';
import type { WorkerThroughput } from './worker-throughput.ts';

export type SignupMode = 'deferred' | 'in-request';

/** One load run against POST /api/users. */
export type SignupRun = {
  mode: SignupMode;
  smtpLatencyMs: number;
  connections: number;
  durationSeconds: number;
  created: number;
  otherStatus: number;
  errors: number;
  latencyMs: Distribution | undefined;
  signupsPerSecond: number;
  /** CPU time per sign-up over the run: what one sign-up costs besides waiting, and who spends it. */
  cpuMsPerSignup: CpuByProcess;
  /** Deferred mode with no SMTP latency: from a 201 to its email accepted by the SMTP server. */
  responseToSmtpMs?: Distribution;
  /** Emails of the run's 201s still not delivered when the bench stopped waiting. */
  undelivered: number;
  /** The machine's 1-minute load average at the end of the run: above the core count, others shared the CPU. */
  loadAverage: number;
};

/** The load run of this mode at this SMTP latency and concurrency, if the bench made one. */
export function findRun(
  runs: SignupRun[],
  mode: SignupMode,
  smtpLatencyMs: number,
  connections: number,
): SignupRun | undefined {
  return runs.find(
    (run) => run.mode === mode && run.smtpLatencyMs === smtpLatencyMs && run.connections === connections,
  );
}

/** Milliseconds of CPU, by process: used so far, or per sign-up over a run. */
export type CpuByProcess = {
  /** The whole machine (all cores): these processes and anything else that ran. */
  machine: number;
  /** The web process (next start), the password hash included. */
  web: number;
  /** The worker process sending the run's emails (deferred mode only). */
  worker?: number;
  /** PostgreSQL: the server and all its backends. */
  database: number;
  /** The bench's own process: the load generator and the SMTP sink. */
  bench: number;
};

/** What each mode's processes peaked at over all of its runs, and what a browser saw. */
export type ModeSummary = {
  mode: SignupMode;
  webPeakRssBytes: number;
  /** The one worker process serving the sign-ups (deferred mode only). */
  workerPeakRssBytes?: number;
  browser?: { smtpLatencyMs: number; submitToCheckInboxMs: Distribution | undefined };
  /**
   * Requests the sign-up route refuses before any of its work (not JSON), at the highest concurrency:
   * the web process's CPU for HTTP, Next.js and the route's first lines (deferred mode only).
   */
  refusedAtTheDoor?: { connections: number; refused: number; otherStatus: number; webCpuMsPerRequest: number };
};

export type TargetResult = {
  target: string;
  measured: number;
  unit: string;
  limit: number;
  direction: 'at most' | 'at least';
  met: boolean;
};

export type BenchResults = {
  startedAt: string;
  finishedAt: string;
  /** The commit measured, "with uncommitted changes" when the sources differed from it; absent outside git. */
  commit?: string;
  machine: {
    cores: number;
    cpu: string;
    memoryBytes: number;
    node: string;
    loadAverage: { atStart: number[]; atEnd: number[] };
  };
  options: BenchOptions;
  build: 'reused' | 'built';
  floor: SignupFloor;
  signups: SignupRun[];
  modes: ModeSummary[];
  workers: WorkerThroughput[];
  /** Sign-up to email accepted under a burst and under sustained sign-ups, at a slow SMTP server. */
  mail: MailCase[];
  /** Known against unknown addresses, deferred mode; absent when BENCH_ENUMERATION_SAMPLES is 0. */
  enumeration?: EnumerationTiming;
  /** Uploads, memory, processing and the legacy uploader; absent when BENCH_SECTIONS leaves them out. */
  imports?: ImportBench;
  targets: TargetResult[];
};
