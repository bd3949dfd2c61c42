// `npm run bench`: the deferred sign-up measured against the baseline that sends the email in the
// request, on a stack of its own (embedded PostgreSQL, `next start`, workers, an SMTP sink with latency).
// Writes results.json, report.md and a chart to BENCH_OUTPUT_DIR (bench-results/ by default), and
// with the default settings the report to docs/benchmark.md as well (bench-output.ts).
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../lib/config/config.server.ts';
import { createDatabase } from '../../lib/db/database.server.ts';
import { createOutbox } from '../../lib/email/outbox.server.ts';
import { jobs } from '../../lib/job-registry.server.ts';
import { createBoss, startBoss } from '../../lib/jobs/boss.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { sendEmailJob } from '../../lib/email/send-email-job.ts';
import type { WebServices } from '../../lib/services.server.ts';
import { startSmtpSink, type DiscardingSmtpSink } from '../../testing/smtp-sink.ts';
import { startEmbeddedDatabase } from '../local-stack/embedded-database.ts';
import { labelledLog } from '../local-stack/labelled-output.ts';
import { startWeb, startWorker } from '../local-stack/app-processes.ts';
import { findFreePort } from '../local-stack/ports.ts';
import { readMachineBusyCpuMs, readProcessTreeCpuMs } from '../local-stack/process-stats.ts';
import { createSupervisor, type SupervisedProcess, type Supervisor } from '../local-stack/supervisor.ts';
import { loadBenchOptions, type BenchOptions } from './bench-options.ts';
import { describeSources, writeBenchOutput } from './bench-output.ts';
import type { BenchResults, CpuByProcess, ModeSummary, SignupMode, SignupRun } from './bench-results.ts';
import { measureBrowserSignups } from './browser-timing.ts';
import { summarize } from './distribution.ts';
import { ensureBuild } from './ensure-build.ts';
import { measureEnumerationTiming, timedEndpoints, type EnumerationTiming } from './enumeration-timing.ts';
import { measureImports } from './import-bench.ts';
import { measureSignupFloor } from './sign-up-floor.ts';
import { runRefusedLoad, runSignupLoad, type SignupLoad } from './sign-up-load.ts';
import { evaluateTargets } from './targets.ts';
import { measureMailCase, type MailCase } from './mail-under-load.ts';
import { measureWorkerThroughput, type WorkerThroughput } from './worker-throughput.ts';

const root = path.resolve(import.meta.dirname, '../..');
const log = labelledLog('bench');
// How long the sign-ups a run cut off mid-request may take to be saved and their emails sent.
const unansweredGraceMs = 3_000;
// The header the app takes a client's address from, as behind a reverse proxy: the enumeration
// timing names a client of its own in it for every request, so no per-client limit answers it.
const clientIpHeader = 'x-real-ip';

type Stack = {
  options: BenchOptions;
  supervisor: Supervisor;
  services: Pick<WebServices, 'db' | 'boss' | 'outbox'>;
  sink: DiscardingSmtpSink;
  appUrl: string;
  appPort: number;
  env: NodeJS.ProcessEnv;
  outputDir: string;
  databasePid: number;
  /** The workers' SMTP_MAX_IN_FLIGHT, as their configuration reads it. */
  maxEmailsInFlight: number;
};

const options = loadBenchOptions();
const supervisor = createSupervisor({ cwd: root, name: 'bench' });
const outputDir = path.resolve(root, options.outputDir);
await rm(path.join(outputDir, 'logs'), { recursive: true, force: true });
await mkdir(path.join(outputDir, 'logs'), { recursive: true });
const startedAt = new Date();
const loadAtStart = loadavg();
const benchStart = performance.now();
// Now: the build is made from the sources as they are at the start, whatever is edited during the run.
const sources = await describeSources(root);

log('Checking the build of the app…');
const build = await ensureBuild(root);
log(build === 'built' ? 'Built the app and the worker (npm run build).' : 'The existing build is up to date.');

const databaseLog = createWriteStream(path.join(outputDir, 'logs/postgres.log'));
const database = await startEmbeddedDatabase({
  dataDir: await mkdtemp(path.join(tmpdir(), 'signup-bench-pg-')),
  port: await findFreePort(),
  persistent: false,
  onLog: (message) => databaseLog.write(message),
});
try {
  await database.ensureDatabase('signup');
  const databaseUrl = database.urlFor('signup');
  await supervisor.run('migrate', process.execPath, ['node_modules/.bin/prisma', 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    logFile: path.join(outputDir, 'logs/migrate.log'),
  });
  const sink = await startSmtpSink({ keepMessages: false });
  const db = createDatabase(databaseUrl);
  const boss = await startBoss(createBoss(databaseUrl, 'web', createLogger('ops')), jobs);
  const appPort = await findFreePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const stack: Stack = {
    options,
    supervisor,
    services: { db, boss, outbox: createOutbox({ db, boss }, { mode: 'deferred' }) },
    sink,
    appUrl,
    appPort,
    outputDir,
    databasePid: await database.serverPid(),
    maxEmailsInFlight: loadConfig(process.env).worker.maxEmailsInFlight,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SMTP_URL: sink.url,
      APP_URL: appUrl,
      // The load comes from one address at a rate no real client has: the limits would answer most of it.
      SIGNUP_LIMIT_PER_MINUTE: '10000000',
      SIGNUP_LIMIT_PER_CLIENT: '10000000',
      TRUSTED_PROXY_IP_HEADER: clientIpHeader,
      TRUSTED_PROXY_HOPS: '1',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  };

  try {
    log('Profiling the floor: the password hash and the sign-up transaction…');
    const floor = await measureSignupFloor(stack.services, options.profileSamples);
    log(
      `hash p50 ${floor.hashMs.p50.toFixed(1)} ms (${floor.cores} at once: ${floor.hashOnAllCoresMs.p50.toFixed(1)} ms, ` +
        `${floor.hashCpuMs.onAllCores.toFixed(1)} ms of CPU each), ` +
        `transaction p50 ${floor.transactionMs.p50.toFixed(2)} ms`,
    );

    const signups: SignupRun[] = [];
    const modes: ModeSummary[] = [];
    let enumeration: EnumerationTiming | undefined;
    for (const mode of options.sections.includes('signups') ? (['deferred', 'in-request'] as const) : []) {
      const measured = await measureMode(stack, mode);
      signups.push(...measured.runs);
      modes.push(measured.summary);
      enumeration ??= measured.enumeration;
    }
    const workers: WorkerThroughput[] = [];
    const workerCounts = options.sections.includes('workers') ? options.workerCounts : [];
    for (const count of workerCounts) workers.push(await measureWorkers(stack, count));
    const mail = options.sections.includes('mail') ? await measureMail(stack) : [];
    const imports = options.sections.includes('imports')
      ? await measureImports(
          {
            root,
            supervisor,
            db,
            boss,
            sink,
            databaseUrl,
            env: stack.env,
            appPort,
            logDir: path.join(outputDir, 'logs'),
          },
          {
            sizesMb: options.importSizesMb,
            rows: options.importRows,
            uploaderFiles: options.uploaderFiles,
            uploaderRows: options.uploaderRows,
            windowSeconds: options.durationSeconds,
            log,
          },
        )
      : undefined;

    const measuredResults: Omit<BenchResults, 'targets'> = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit: sources,
      machine: {
        cores: floor.cores,
        cpu: cpus()[0]?.model ?? 'unknown',
        memoryBytes: totalmem(),
        node: process.version,
        loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
      },
      options,
      build,
      floor,
      signups,
      modes,
      workers,
      mail,
      enumeration,
      imports,
    };
    const results: BenchResults = { ...measuredResults, targets: evaluateTargets(measuredResults) };
    const reports = await writeBenchOutput(root, outputDir, results);

    for (const target of results.targets) {
      log(`${target.met ? 'met   ' : 'MISSED'} ${target.target}: ${target.measured.toFixed(2)} ${target.unit}`);
    }
    log(
      `Done in ${((performance.now() - benchStart) / 1000).toFixed(0)} s. ` +
        `Report: ${reports.map((report) => path.relative(process.cwd(), report)).join(', ')}`,
    );
  } finally {
    await supervisor.stopAll();
    await boss.stop({ graceful: false });
    await db.$disconnect();
    await sink.stop();
  }
} finally {
  await database.stop();
}

/**
 * One mode's web process (and worker), every SMTP latency and concurrency, in deferred mode known
 * against unknown addresses, then a browser.
 */
async function measureMode(
  stack: Stack,
  mode: SignupMode,
): Promise<{ runs: SignupRun[]; summary: ModeSummary; enumeration?: EnumerationTiming }> {
  const { options, sink, appUrl } = stack;
  const logDir = path.join(stack.outputDir, 'logs', mode);
  await mkdir(logDir, { recursive: true });
  const env = { ...stack.env, SIGNUP_EMAIL_DELIVERY: mode };
  // The baseline sends from the web process; its queue stays empty, so it runs no worker.
  const worker =
    mode === 'deferred'
      ? await startWorker(stack.supervisor, 'worker-1', { root, env, logFile: path.join(logDir, 'worker-1.log') })
      : undefined;
  const web = await startWeb(stack.supervisor, 'web', stack.appPort, {
    root,
    env,
    logFile: path.join(logDir, 'web.log'),
  });
  const runs: SignupRun[] = [];
  try {
    // Not measured: the first requests load code, open pools and let the JIT compile the hot path.
    sink.setLatency(0);
    const warmUp = await runSignupLoad({
      appUrl,
      connections: Math.max(...options.concurrency),
      durationSeconds: 2,
      tag: `${mode}-warm-up`,
    });
    await deliverOrDiscard(stack, warmUp);
    const refusedAtTheDoor = mode === 'deferred' ? await measureRefusedAtTheDoor(stack, web) : undefined;

    for (const smtpLatencyMs of options.smtpLatenciesMs) {
      for (const connections of options.concurrency) {
        log(`${mode}: SMTP latency ${smtpLatencyMs} ms, ${connections} concurrent, ${options.durationSeconds} s…`);
        sink.setLatency(smtpLatencyMs);
        const cpuBefore = await readCpu(stack, web, worker);
        const load = await runSignupLoad({
          appUrl,
          connections,
          durationSeconds: options.durationSeconds,
          tag: `${mode}-${smtpLatencyMs}-${connections}`,
        });
        const cpuMsPerSignup = perSignup(cpuBefore, await readCpu(stack, web, worker), load.created);
        sink.setLatency(0);
        const { addresses, ...counts } = load;
        const run: SignupRun = {
          mode,
          smtpLatencyMs,
          ...counts,
          cpuMsPerSignup,
          undelivered: await deliverOrDiscard(stack, load),
          loadAverage: loadavg()[0] ?? Number.NaN,
        };
        if (mode === 'deferred' && smtpLatencyMs === 0) {
          const delays = [...addresses.createdAt].flatMap(([email, answeredAt]) => {
            const acceptedAt = sink.acceptedAt.get(email);
            return acceptedAt === undefined ? [] : [acceptedAt - answeredAt];
          });
          run.responseToSmtpMs = summarize(delays);
        }
        log(
          `  p50 ${run.latencyMs?.p50.toFixed(1)} ms, p95 ${run.latencyMs?.p95.toFixed(1)} ms, ` +
            `${run.signupsPerSecond.toFixed(1)} sign-ups/s` +
            (run.responseToSmtpMs ? `, response → SMTP p95 ${run.responseToSmtpMs.p95.toFixed(1)} ms` : ''),
        );
        runs.push(run);
      }
    }

    const enumeration =
      mode === 'deferred' && options.enumerationSamples > 0 ? await measureEnumeration(stack) : undefined;
    const browser = options.browserSignups > 0 ? await measureBrowser(stack, mode, logDir) : undefined;
    const webStats = await web.stats();
    const workerStats = await worker?.stats();
    return {
      runs,
      summary: {
        mode,
        webPeakRssBytes: webStats.peakRssBytes,
        workerPeakRssBytes: workerStats?.peakRssBytes,
        browser,
        refusedAtTheDoor,
      },
      enumeration,
    };
  } finally {
    await web.stop();
    await worker?.stop();
  }
}

/**
 * Mail under load, on the workers' defaults and a 1 s SMTP server: a launch-day burst (fired on a
 * schedule, whatever the answers) for two workers, then one client signing up without a pause for
 * one worker. Each case has a web process and workers of its own, so no backlog carries over.
 */
async function measureMail(stack: Stack): Promise<MailCase[]> {
  const { options, sink, appUrl } = stack;
  const cases = [
    {
      name: 'burst',
      workers: 2,
      load: { kind: 'burst', signups: options.mail.burstSignups, overSeconds: options.mail.burstSeconds },
    },
    { name: 'sustained', workers: 1, load: { kind: 'sustained', signups: options.mail.sustainedSignups } },
  ] as const;
  const results: MailCase[] = [];
  for (const mailCase of cases) {
    if (mailCase.load.signups === 0) continue;
    log(
      `mail, ${mailCase.name}: ${mailCase.load.signups} sign-ups, ${mailCase.workers} worker(s), SMTP ${options.mail.smtpLatencyMs} ms…`,
    );
    const logDir = path.join(stack.outputDir, 'logs', `mail-${mailCase.name}`);
    await mkdir(logDir, { recursive: true });
    const workers = await Promise.all(
      Array.from({ length: mailCase.workers }, (_, index) =>
        startWorker(stack.supervisor, `worker-${index + 1}`, {
          root,
          env: stack.env,
          logFile: path.join(logDir, `worker-${index + 1}.log`),
        }),
      ),
    );
    const web = await startWeb(stack.supervisor, 'web', stack.appPort, {
      root,
      env: stack.env,
      logFile: path.join(logDir, 'web.log'),
    });
    try {
      sink.setLatency(0);
      const warmUp = await runSignupLoad({
        appUrl,
        connections: 2,
        durationSeconds: 1,
        tag: `mail-${mailCase.name}-warm-up`,
      });
      await deliverOrDiscard(stack, warmUp);
      sink.setLatency(options.mail.smtpLatencyMs);
      const measured = await measureMailCase({
        ...mailCase,
        smtpLatencyMs: options.mail.smtpLatencyMs,
        appUrl,
        sink,
        tag: `mail-${mailCase.name}`,
        timeoutSeconds: options.drainTimeoutSeconds,
      });
      const delays = measured.signupToAcceptedMs;
      log(
        `  ${measured.accepted}/${measured.created} accepted; sign-up → accepted p50 ${delays?.p50.toFixed(0)} ms, ` +
          `p95 ${delays?.p95.toFixed(0)} ms, slowest ${delays?.max.toFixed(0)} ms`,
      );
      results.push(measured);
    } finally {
      sink.setLatency(0);
      await web.stop();
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  }
  return results;
}

/** The web process's CPU for a request refused before any of the sign-up's work (see runRefusedLoad). */
async function measureRefusedAtTheDoor(
  { appUrl, options }: Stack,
  web: SupervisedProcess,
): Promise<NonNullable<ModeSummary['refusedAtTheDoor']>> {
  const connections = Math.max(...options.concurrency);
  log(`deferred: requests refused at the door (not JSON), ${connections} concurrent, 3 s…`);
  const before = (await web.stats()).cpuMs;
  const load = await runRefusedLoad({ appUrl, connections, durationSeconds: 3 });
  const webCpuMsPerRequest = ((await web.stats()).cpuMs - before) / Math.max(1, load.refused + load.otherStatus);
  log(`  ${load.refused} refused, ${webCpuMsPerRequest.toFixed(2)} ms of the web process's CPU each`);
  return { connections, refused: load.refused, otherStatus: load.otherStatus, webCpuMsPerRequest };
}

/** CPU time used so far, in ms: the machine's, and each process's that serves the sign-ups. */
async function readCpu(
  { databasePid }: Stack,
  web: SupervisedProcess,
  worker: SupervisedProcess | undefined,
): Promise<CpuByProcess> {
  const [machine, webStats, workerStats, database] = await Promise.all([
    readMachineBusyCpuMs(),
    web.stats(),
    worker?.stats(),
    readProcessTreeCpuMs(databasePid),
  ]);
  const { user, system } = process.cpuUsage();
  return { machine, web: webStats.cpuMs, worker: workerStats?.cpuMs, database, bench: (user + system) / 1000 };
}

function perSignup(before: CpuByProcess, after: CpuByProcess, signups: number): CpuByProcess {
  const each = (start: number, end: number) => (end - start) / Math.max(1, signups);
  return {
    machine: each(before.machine, after.machine),
    web: each(before.web, after.web),
    worker: before.worker === undefined || after.worker === undefined ? undefined : each(before.worker, after.worker),
    database: each(before.database, after.database),
    bench: each(before.bench, after.bench),
  };
}

/**
 * Sign-up, resend, sign-in and forgot-password for addresses with and without an account: their
 * times must not tell which is which. And sign-in with the right password, against the hash.
 */
async function measureEnumeration({ appUrl, options, services }: Stack): Promise<EnumerationTiming> {
  const samples = options.enumerationSamples;
  log(`deferred: four endpoints for ${samples} known and ${samples} unknown addresses each, one at a time…`);
  const timing = await measureEnumerationTiming({
    appUrl,
    samples,
    clientIpHeader,
    tag: 'enumeration',
    confirmAccounts: async (emails) => {
      await services.db.user.updateMany({ where: { email: { in: emails } }, data: { confirmedAt: new Date() } });
    },
  });
  for (const [, { endpoint, knownMs, unknownMs, distinguishability, otherAnswers }] of timedEndpoints(timing)) {
    log(
      `  ${endpoint}: p50 known ${knownMs?.p50.toFixed(1)} ms, unknown ${unknownMs?.p50.toFixed(1)} ms, ` +
        `AUC ${distinguishability?.auc.toFixed(3)} ± ${distinguishability?.standardError.toFixed(3)}` +
        (otherAnswers > 0 ? `, ${otherAnswers} other answers` : ''),
    );
  }
  log(
    `  sign-in, right password: p50 ${timing.signInSuccessMs?.p50.toFixed(1)} ms, p95 ${timing.signInSuccessMs?.p95.toFixed(1)} ms`,
  );
  return timing;
}

/** Browser sign-ups at the slowest SMTP latency, where the two modes differ most. */
async function measureBrowser(stack: Stack, mode: SignupMode, logDir: string) {
  const { sink, options } = stack;
  const smtpLatencyMs = Math.max(...options.smtpLatenciesMs);
  log(`${mode}: ${options.browserSignups} sign-ups in Chromium at SMTP latency ${smtpLatencyMs} ms…`);
  sink.setLatency(smtpLatencyMs);
  const acceptedBefore = sink.stats.accepted;
  const submitToCheckInboxMs = await measureBrowserSignups({
    supervisor: stack.supervisor,
    root,
    appUrl: stack.appUrl,
    signups: options.browserSignups,
    logFile: path.join(logDir, 'browser.log'),
    resultFile: path.join(logDir, 'browser-result.json'),
  });
  // Their emails go out before the next measurement starts.
  await sink.waitForCount(acceptedBefore + options.browserSignups, options.drainTimeoutSeconds * 1000);
  sink.setLatency(0);
  log(`  p50 ${submitToCheckInboxMs?.p50.toFixed(0)} ms, max ${submitToCheckInboxMs?.max.toFixed(0)} ms`);
  return { smtpLatencyMs, submitToCheckInboxMs };
}

/**
 * Waits for the emails of a run's sign-ups, so that neither sign-ups still in the server nor a
 * worker's backlog load the next run, and returns how many of those answered 201 never came.
 * The run stops its clients mid-request: the server may still save those sign-ups, or may not (a
 * request cut off before its body), so they get a short grace and are not counted; whatever is still
 * queued then is dropped, so that no run sends the last one's emails.
 */
async function deliverOrDiscard({ sink, services, options }: Stack, load: SignupLoad): Promise<number> {
  const missing = await sink.waitForRecipients(
    [...load.addresses.createdAt.keys()],
    options.drainTimeoutSeconds * 1000,
  );
  await sink.waitForRecipients(load.addresses.sent, unansweredGraceMs);
  await services.boss.deleteQueuedJobs(sendEmailJob.name);
  return missing;
}

async function measureWorkers(stack: Stack, count: number): Promise<WorkerThroughput> {
  const { options } = stack;
  log(
    `${count} worker(s), up to ${stack.maxEmailsInFlight} emails in flight each: draining ${options.backlog} queued emails…`,
  );
  const logDir = path.join(stack.outputDir, 'logs', `workers-${count}`);
  await mkdir(logDir, { recursive: true });
  stack.sink.setLatency(0);
  const drain = await measureWorkerThroughput({
    services: stack.services,
    sink: stack.sink,
    startWorkers: (workers) =>
      Promise.all(
        Array.from({ length: workers }, (_, index) =>
          startWorker(stack.supervisor, `worker-${index + 1}`, {
            root,
            env: stack.env,
            logFile: path.join(logDir, `worker-${index + 1}.log`),
          }),
        ),
      ),
    workers: count,
    maxEmailsInFlight: stack.maxEmailsInFlight,
    backlog: options.backlog,
    timeoutSeconds: options.drainTimeoutSeconds,
    tag: `drain-${count}`,
  });
  log(
    `  ${drain.delivered}/${drain.backlog} in ${drain.drainSeconds.toFixed(1)} s: ${drain.emailsPerSecond.toFixed(1)} emails/s`,
  );
  return drain;
}
