import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

const list = (item: z.ZodNumber) =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => Number(part.trim())))
    .pipe(z.array(item).min(1));

const count = z.number().int().min(1);

// The defaults keep the whole bench under 10 minutes on a 2-core machine; shorter settings suit a
// quick look while changing the bench itself (for example BENCH_DURATION_SECONDS=3 BENCH_BACKLOG=300).
const optionsSchema = z
  .object({
    BENCH_SMTP_LATENCIES_MS: list(z.number().int().min(0).max(10_000)).default([0, 200, 1000]),
    BENCH_CONCURRENCY: list(count.max(256)).default([1, 8]),
    BENCH_DURATION_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
    BENCH_WORKER_COUNTS: list(count.max(16)).default([1, 2, 4]),
    BENCH_BACKLOG: z.coerce.number().int().min(10).max(20_000).default(5000),
    BENCH_DRAIN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(60),
    BENCH_BROWSER_SIGNUPS: z.coerce.number().int().min(0).max(50).default(6),
    BENCH_PROFILE_SAMPLES: z.coerce.number().int().min(1).max(1000).default(40),
    BENCH_ENUMERATION_SAMPLES: z.coerce.number().int().min(0).max(2000).default(150),
    BENCH_OUTPUT_DIR: z.string().min(1).default('bench-results'),
    // What to measure: all of it by default; a part alone suits a look at one change.
    BENCH_SECTIONS: z
      .string()
      .transform((value) => value.split(',').map((part) => part.trim()))
      .pipe(z.array(z.enum(['signups', 'workers', 'mail', 'imports'])).min(1))
      .default(['signups', 'workers', 'mail', 'imports']),
    // Upload sizes timed against a bare insert, the file the worker's users/s is measured on, and the
    // legacy uploader's run.
    BENCH_IMPORT_SIZES_MB: list(z.number().int().min(1).max(2000)).default([1, 100]),
    BENCH_IMPORT_ROWS: z.coerce.number().int().min(100).max(500_000).default(100_000),
    BENCH_UPLOADER_FILES: z.coerce.number().int().min(1).max(200).default(5),
    BENCH_UPLOADER_ROWS: z.coerce.number().int().min(1).max(500_000).default(5000),
    // Mail under load (issue 19): a burst of sign-ups for two workers, and one client signing up
    // without a pause for one worker, each email held this long by the SMTP sink.
    BENCH_BURST_SIGNUPS: z.coerce.number().int().min(0).max(5000).default(300),
    BENCH_BURST_SECONDS: z.coerce.number().positive().max(600).default(8.5),
    BENCH_SUSTAINED_SIGNUPS: z.coerce.number().int().min(0).max(5000).default(200),
    BENCH_MAIL_SMTP_LATENCY_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  })
  .transform((env) => ({
    smtpLatenciesMs: env.BENCH_SMTP_LATENCIES_MS,
    concurrency: env.BENCH_CONCURRENCY,
    durationSeconds: env.BENCH_DURATION_SECONDS,
    workerCounts: env.BENCH_WORKER_COUNTS,
    backlog: env.BENCH_BACKLOG,
    drainTimeoutSeconds: env.BENCH_DRAIN_TIMEOUT_SECONDS,
    browserSignups: env.BENCH_BROWSER_SIGNUPS,
    profileSamples: env.BENCH_PROFILE_SAMPLES,
    enumerationSamples: env.BENCH_ENUMERATION_SAMPLES,
    outputDir: env.BENCH_OUTPUT_DIR,
    sections: env.BENCH_SECTIONS,
    importSizesMb: env.BENCH_IMPORT_SIZES_MB,
    importRows: env.BENCH_IMPORT_ROWS,
    uploaderFiles: env.BENCH_UPLOADER_FILES,
    uploaderRows: env.BENCH_UPLOADER_ROWS,
    mail: {
      burstSignups: env.BENCH_BURST_SIGNUPS,
      burstSeconds: env.BENCH_BURST_SECONDS,
      sustainedSignups: env.BENCH_SUSTAINED_SIGNUPS,
      smtpLatencyMs: env.BENCH_MAIL_SMTP_LATENCY_MS,
    },
  }));

export type BenchOptions = z.infer<typeof optionsSchema>;

export function loadBenchOptions(env: Record<string, string | undefined> = process.env): BenchOptions {
  const parsed = optionsSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid bench settings:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Whether a run measures what `npm run bench` measures when given no settings (wherever it writes). */
export function usesDefaultSettings(options: BenchOptions): boolean {
  return isDeepStrictEqual({ ...options, outputDir: '' }, { ...loadBenchOptions({}), outputDir: '' });
}
