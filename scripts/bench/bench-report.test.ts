import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadBenchOptions } from './bench-options.ts';
import { committedReport, describeSources, writeBenchOutput } from './bench-output.ts';
import { renderReport } from './bench-report.ts';
import type { BenchResults, SignupMode, SignupRun } from './bench-results.ts';
import { summarize } from './distribution.ts';
import { renderLatencyChart } from './latency-chart.ts';
import { evaluateTargets } from './targets.ts';

const latency = (p50: number, p95: number) => ({ count: 100, p50, p95, p99: p95, mean: p50, max: p95 });

function run(mode: SignupMode, smtpLatencyMs: number, connections: number, p95: number): SignupRun {
  return {
    mode,
    smtpLatencyMs,
    connections,
    durationSeconds: 10,
    created: 100,
    otherStatus: 0,
    errors: 0,
    latencyMs: latency(p95 / 2, p95),
    signupsPerSecond: 10,
    cpuMsPerSignup: { machine: 40, web: 25, worker: mode === 'deferred' ? 5 : undefined, database: 6, bench: 2 },
    undelivered: 0,
    loadAverage: 1,
    ...(mode === 'deferred' && smtpLatencyMs === 0 ? { responseToSmtpMs: latency(8, 12) } : {}),
  };
}

const options = loadBenchOptions({
  BENCH_SMTP_LATENCIES_MS: '0,1000',
  BENCH_CONCURRENCY: '1',
  BENCH_ENUMERATION_SAMPLES: '100',
});
const measured: Omit<BenchResults, 'targets'> = {
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:05:00.000Z',
  machine: { cores: 2, cpu: 'test', memoryBytes: 2 ** 34, node: 'v24.0.0', loadAverage: { atStart: [1], atEnd: [1] } },
  options,
  build: 'reused',
  floor: {
    cores: 2,
    hashMs: latency(12, 14),
    hashOnAllCoresMs: latency(13, 15),
    hashCpuMs: { alone: 12, onAllCores: 16 },
    transactionMs: latency(1, 2),
  },
  signups: [
    run('deferred', 0, 1, 19),
    run('deferred', 1000, 1, 20),
    run('in-request', 0, 1, 40),
    run('in-request', 1000, 1, 1050),
  ],
  modes: [
    {
      mode: 'deferred',
      webPeakRssBytes: 200 * 2 ** 20,
      workerPeakRssBytes: 160 * 2 ** 20,
      refusedAtTheDoor: { connections: 8, refused: 3000, otherStatus: 0, webCpuMsPerRequest: 3.5 },
    },
    {
      mode: 'in-request',
      webPeakRssBytes: 210 * 2 ** 20,
      browser: { smtpLatencyMs: 1000, submitToCheckInboxMs: summarize([1100, 1200]) },
    },
  ],
  workers: [
    {
      workers: 4,
      maxEmailsInFlight: 100,
      backlog: 3000,
      delivered: 3000,
      drained: true,
      drainSeconds: 10,
      emailsPerSecond: 300,
      steadyEmailsPerSecond: 310,
      peakRssBytes: [140 * 2 ** 20],
      workerCpuMsPerEmail: 3,
      loadAverage: 1,
    },
  ],
  mail: [
    {
      name: 'burst',
      load: { kind: 'burst', signups: 300, overSeconds: 8.5 },
      workers: 2,
      smtpLatencyMs: 1000,
      created: 300,
      accepted: 300,
      signupToAcceptedMs: summarize([1100, 1400, 2600]),
      signupSeconds: 8.6,
    },
  ],
  enumeration: {
    // 100 each: SE = sqrt(201 / 120000) = 0.041; sign-up 0.53 is 0.73 SE from 0.5, resend 0.62 is 2.93.
    signup: {
      endpoint: 'POST /api/users',
      knownMs: latency(70, 95),
      unknownMs: latency(69, 96),
      distinguishability: { auc: 0.53, standardError: 0.041, indistinguishable: true },
      otherAnswers: 0,
    },
    resend: {
      endpoint: '/resend form',
      knownMs: latency(31.5, 40),
      unknownMs: latency(24, 30),
      distinguishability: { auc: 0.62, standardError: 0.041, indistinguishable: false },
      otherAnswers: 1,
    },
    signIn: {
      endpoint: '/sign-in form, wrong password',
      knownMs: latency(20, 26),
      unknownMs: latency(20.5, 25),
      distinguishability: { auc: 0.49, standardError: 0.041, indistinguishable: true },
      otherAnswers: 0,
    },
    forgotPassword: {
      endpoint: '/forgot-password form',
      knownMs: latency(9, 12),
      unknownMs: latency(9, 12.5),
      distinguishability: { auc: 0.5, standardError: 0.041, indistinguishable: true },
      otherAnswers: 0,
    },
    signInSuccessMs: latency(24, 36),
  },
};

describe('evaluateTargets', () => {
  it('checks each target against its limit', () => {
    const verdicts = Object.fromEntries(evaluateTargets(measured).map((target) => [target.target, target.met]));
    expect(verdicts).toEqual({
      'Deferred p95 at 1000 ms SMTP ÷ at 0 ms, 1 concurrent': true,
      'Deferred p95 ÷ baseline p95 at 1000 ms SMTP, 1 concurrent': true,
      'Deferred p50, 1 concurrent, ÷ (hash + transaction = 13.0 ms)': true,
      'Deferred p95, 1 concurrent, ÷ (hash + transaction = 13.0 ms)': true,
      'CPU per sign-up, web + worker + PostgreSQL, 1 concurrent, 0 ms SMTP, its email included': false,
      'CPU per sign-up, the web process (the hash included), 1 concurrent': false,
      'Deferred sign-ups/s, 1 concurrent, ÷ hash-bound limit (2 cores ÷ hash = 167/s)': false,
      'Sign-up response → email accepted by SMTP, p95, 0 ms SMTP, 1 concurrent': true,
      'Worker throughput, 4 workers, 3000 queued, 0 ms SMTP': false,
      'Mail, burst (300 sign-ups, 2 worker(s), 1000 ms SMTP): emails not accepted': true,
      'Mail, burst (300 sign-ups, 2 worker(s), 1000 ms SMTP): sign-up → accepted, p95': true,
      'Mail, burst (300 sign-ups, 2 worker(s), 1000 ms SMTP): sign-up → accepted, slowest': true,
      'Peak RSS of the web process (next start), deferred, up to 1 concurrent': false,
      'Peak RSS of a worker process (largest seen)': false,
      'Sign-up: known vs unknown address indistinguishable by server time (|AUC − 0.5| in standard errors)': true,
      'Resend: known vs unknown address indistinguishable by server time (|AUC − 0.5| in standard errors)': false,
      'Sign-in: known vs unknown address indistinguishable by server time (|AUC − 0.5| in standard errors)': true,
      'Forgot password: known vs unknown address indistinguishable by server time (|AUC − 0.5| in standard errors)': true,
    });
  });
});

describe('the report', () => {
  it('says it is generated, and which commit, when, on what and how it measured', () => {
    const report = renderReport(
      { ...measured, commit: '1a2b3c4 with uncommitted changes', targets: evaluateTargets(measured) },
      'chart.svg',
    );
    expect(report).toContain(
      '_Written by `npm run bench` (scripts/bench/), not by hand: for new figures, run it again._',
    );
    expect(report).toContain(
      'Commit 1a2b3c4 with uncommitted changes, 2026-01-01, 00:00–00:05 UTC; 2 cores (test), 16 GiB, Node v24.0.0.',
    );
    expect(report).toContain('Command: `npm run bench`, with settings of its own (see results.json).');
    const defaults = renderReport(
      { ...measured, options: loadBenchOptions({}), targets: evaluateTargets(measured) },
      'chart.svg',
    );
    expect(defaults).toContain('Command: `npm run bench` with its default settings.');
  });

  it('says which targets were missed and by how much, and shows every run', () => {
    const report = renderReport({ ...measured, targets: evaluateTargets(measured) }, 'chart.svg');
    expect(report).toContain(
      '| Peak RSS of a worker process (largest seen) | 160 MB | at most 110 MB | **no** (1.45× the target) |',
    );
    expect(report).toContain('| baseline (send in request) | 1000 ms | 1 | 525 ms | 1050 ms |');
    expect(report).toContain('![Sign-up latency by SMTP latency and mode](chart.svg)');
  });

  it('shows a value that rounds to its limit with the digits that tell which side it is on', () => {
    const near = { target: 'Near the line', unit: '×', limit: 0.1, direction: 'at most' } as const;
    const report = renderReport(
      {
        ...measured,
        targets: [
          { ...near, measured: 0.104, met: false },
          { ...near, target: 'On the line', measured: 0.1, met: true },
        ],
      },
      'chart.svg',
    );
    expect(report).toContain('| Near the line | 0.104 × | at most 0.10 × | **no** (1.04× the target) |');
    expect(report).toContain('| On the line | 0.10 × | at most 0.10 × | yes |');
  });

  it('says where the CPU of a sign-up goes, and what the CPU targets allow it', () => {
    const report = renderReport({ ...measured, targets: evaluateTargets(measured) }, 'chart.svg');
    expect(report).toContain('| deferred | 0 ms | 1 | 40 ms | 25 ms | 5.0 ms | 6.0 ms | 2.0 ms | 2.0 ms |');
    expect(report).toContain(
      '| baseline (send in request) | 1000 ms | 1 | 40 ms | 25 ms | – | 6.0 ms | 2.0 ms | 7.0 ms |',
    );
    // 12 ms of hash at 0.5 of the hash-bound rate: 24 ms a sign-up.
    expect(report).toContain(
      'The CPU targets allow a sign-up 25 ms of the web process, the worker and PostgreSQL together, 20 ms of it in ' +
        "the web process, the hash's 12 ms included; the throughput target, 0.5 × the hash-bound limit, leaves 24 ms " +
        'of machine CPU. At 1 concurrent and 0 ms SMTP latency the three spent 36 ms: the web process 25 ms, ' +
        "PostgreSQL 6.0 ms, the worker 5.0 ms; with the bench's 2.0 ms and the rest, the machine 40 ms. Of the " +
        "web process's 25 ms, the hash takes 16 ms of CPU when 2 run at once (the floor above), which leaves 9.0 ms " +
        'for HTTP, Next.js, the rate limits, the checks and the write; the target leaves them 4.0 ms. A request ' +
        'the sign-up route refuses before any of its work (a body that is not JSON, answered 400: HTTP, Next.js ' +
        "and the route's first lines, no database), 8 concurrent, took the web process 3.5 ms of CPU.",
    );
    expect(report).toContain('| the same, 2 at once (one per core) | 13 ms | 15 ms | 16 ms |');
  });

  it('says so when the hash alone takes more CPU than the web process is allowed', () => {
    const slowHash = { ...measured, floor: { ...measured.floor, hashCpuMs: { alone: 18, onAllCores: 21 } } };
    const report = renderReport({ ...slowHash, targets: evaluateTargets(slowHash) }, 'chart.svg');
    expect(report).toContain(
      'which leaves 4.0 ms for HTTP, Next.js, the rate limits, the checks and the write; on this machine the hash ' +
        'alone takes more than the target allows the whole web process.',
    );
  });

  it('compares known with unknown addresses for each endpoint', () => {
    const report = renderReport({ ...measured, targets: evaluateTargets(measured) }, 'chart.svg');
    expect(report).toContain(
      '| POST /api/users | 70 ms / 95 ms | 69 ms / 96 ms | +1.0 ms | 0.530 ± 0.041 | indistinguishable |',
    );
    expect(report).toContain(
      '| /resend form | 32 ms / 40 ms | 24 ms / 30 ms | +7.5 ms | 0.620 ± 0.041 | **distinguishable** |',
    );
    expect(report).toContain(
      '| /sign-in form, wrong password | 20 ms / 26 ms | 21 ms / 25 ms | -0.5 ms | 0.490 ± 0.041 | indistinguishable |',
    );
    expect(report).toContain('Answers other than the designed one, left out: 1.');
    // The hash is 12 ms here.
    expect(report).toContain('p50 24 ms, p95 36 ms: 2.00× and 3.00× the hash (12 ms)');
    expect(report).toContain(
      '| Resend: known vs unknown address indistinguishable by server time (\\|AUC − 0.5\\| in standard errors) ' +
        '| 2.93 SE | at most 2.00 SE | **no** (1.46× the target) |',
    );
  });

  it('draws one bar per run in a standalone SVG', () => {
    const svg = renderLatencyChart(measured.signups);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(4);
    expect(svg).toContain('baseline: send in request, 1 concurrent, SMTP 1000 ms: p50 525 ms, p95 1050 ms');
  });
});

describe('the output of a run', () => {
  async function temporaryDirectory(): Promise<string> {
    const directory = await mkdtemp(path.join(tmpdir(), 'bench-output-test-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    return directory;
  }

  it('goes to the output folder, and with the default settings to the committed report too', async () => {
    const [root, outputDir] = [await temporaryDirectory(), await temporaryDirectory()];
    await mkdir(path.join(root, 'docs'));
    const results = { ...measured, targets: evaluateTargets(measured) };

    expect(await writeBenchOutput(root, outputDir, results)).toEqual([path.join(outputDir, 'report.md')]);
    expect((await readdir(outputDir)).sort()).toEqual(['latency-by-smtp-latency.svg', 'report.md', 'results.json']);
    expect(await readdir(path.join(root, 'docs'))).toEqual([]);

    const defaults = { ...results, options: loadBenchOptions({ BENCH_OUTPUT_DIR: 'elsewhere' }) };
    const page = path.join(root, committedReport.page);
    expect(await writeBenchOutput(root, outputDir, defaults)).toEqual([path.join(outputDir, 'report.md'), page]);
    expect(await readFile(page, 'utf8')).toContain(
      '![Sign-up latency by SMTP latency and mode](benchmark-latency.svg)',
    );
    expect(await readFile(path.join(root, committedReport.chart), 'utf8')).toMatch(/^<svg /);
    expect(JSON.parse(await readFile(path.join(outputDir, 'results.json'), 'utf8'))).toEqual(defaults);
  });

  it('names the commit measured, and says when the sources differ from it, the last report aside', async () => {
    const root = await temporaryDirectory();
    const git = (...args: string[]) =>
      promisify(execFile)('git', ['-C', root, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.test', ...args]);
    await git('init', '--quiet');
    await mkdir(path.join(root, 'docs'));
    await writeFile(path.join(root, 'app.ts'), 'one\n');
    await writeFile(path.join(root, committedReport.page), 'old figures\n');
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'first');
    const commit = (await git('rev-parse', '--short', 'HEAD')).stdout.trim();

    await writeFile(path.join(root, committedReport.page), 'new figures\n');
    await writeFile(path.join(root, committedReport.chart), '<svg/>\n');
    expect(await describeSources(root)).toBe(commit);
    await writeFile(path.join(root, 'app.ts'), 'two\n');
    expect(await describeSources(root)).toBe(`${commit} with uncommitted changes`);
    expect(await describeSources(await temporaryDirectory())).toBeUndefined();
  });
});
