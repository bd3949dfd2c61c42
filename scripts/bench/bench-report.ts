import { usesDefaultSettings } from './bench-options.ts';
import { findRun, type BenchResults, type ModeSummary, type SignupMode } from './bench-results.ts';
import { timedEndpoints } from './enumeration-timing.ts';
import { formatMs } from './latency-chart.ts';
import { cpuTargetsMs, throughputTarget } from './targets.ts';

const megabyte = 1024 * 1024;
const modeName: Record<SignupMode, string> = { deferred: 'deferred', 'in-request': 'baseline (send in request)' };

/** The report people read: the targets first, then every measurement they rest on. */
export function renderReport(results: BenchResults, chartFile: string): string {
  const { machine, floor, options } = results;
  const lines: string[] = [
    '# Sign-up benchmark',
    '',
    '_Written by `npm run bench` (scripts/bench/), not by hand: for new figures, run it again._',
    '',
    `${results.commit ? `Commit ${results.commit}, ` : ''}${formatPeriod(results.startedAt, results.finishedAt)}; ` +
      `${machine.cores} cores (${machine.cpu}), ${(machine.memoryBytes / 1024 ** 3).toFixed(0)} GiB, Node ${machine.node}. ` +
      `Load average at start ${formatLoad(machine.loadAverage.atStart)}, at end ${formatLoad(machine.loadAverage.atEnd)}: ` +
      `a load above the core count means other work shared the CPU, inflating absolute times; the ratios hold better.`,
    '',
    `Command: \`npm run bench\`${usesDefaultSettings(options) ? ' with its default settings' : ', with settings of its own (see results.json)'}. ` +
      `Each load run lasted ${options.durationSeconds} s; every request signs up a new address through ` +
      '`POST /api/users` on `next start`, driven by autocannon on loopback. The SMTP server is a local sink that waits the ' +
      'given latency before accepting each message. "Baseline" is the design this app replaces: the web process sends the ' +
      'email before answering (`SIGNUP_EMAIL_DELIVERY=in-request`, never the default).',
    '',
    '## Targets',
    '',
    table(
      ['Target', 'Measured', 'Target', 'Met'],
      results.targets.map((target) => [
        target.target,
        `${formatBeside(target.measured, target.limit)} ${target.unit}`,
        `${target.direction} ${formatNumber(target.limit)} ${target.unit}`,
        target.met ? 'yes' : `**no** (${missedBy(target.measured, target.limit)})`,
      ]),
    ),
    '',
    '## Sign-up latency',
    '',
    `![Sign-up latency by SMTP latency and mode](${chartFile})`,
    '',
    table(
      [
        'Mode',
        'SMTP latency',
        'Concurrent',
        'p50',
        'p95',
        'p99',
        'Sign-ups/s',
        'Non-201 / errors',
        'Response → SMTP p50 / p95',
        'Load',
      ],
      results.signups.map((run) => [
        modeName[run.mode],
        `${run.smtpLatencyMs} ms`,
        String(run.connections),
        ms(run.latencyMs?.p50),
        ms(run.latencyMs?.p95),
        ms(run.latencyMs?.p99),
        run.signupsPerSecond.toFixed(1),
        `${run.otherStatus} / ${run.errors}`,
        run.responseToSmtpMs ? `${ms(run.responseToSmtpMs.p50)} / ${ms(run.responseToSmtpMs.p95)}` : '',
        run.loadAverage.toFixed(1),
      ]),
    ),
    '',
    'Response → SMTP is measured where the SMTP server adds no latency; with latency, a single worker falls behind ' +
      'a burst of sign-ups by design, and the bench drains the backlog at 0 ms latency before the next run. ' +
      `Sign-ups answered 201 whose email never came: ${results.signups.reduce((sum, run) => sum + run.undelivered, 0)}.`,
    '',
    `Load: the machine's 1-minute load average after the run; with ${results.machine.cores} cores, anything above ${results.machine.cores} means other processes competed for the CPU.`,
    '',
    '## The floor: one hash and one transaction',
    '',
    table(
      ['Step', 'p50', 'p95', 'CPU, mean'],
      [
        [
          'argon2id hash (m = 19 MiB, t = 2, p = 1), alone',
          ms(floor.hashMs.p50),
          ms(floor.hashMs.p95),
          ms(floor.hashCpuMs.alone),
        ],
        [
          `the same, ${floor.cores} at once (one per core)`,
          ms(floor.hashOnAllCoresMs.p50),
          ms(floor.hashOnAllCoresMs.p95),
          ms(floor.hashCpuMs.onAllCores),
        ],
        ['user + job transaction', ms(floor.transactionMs.p50), ms(floor.transactionMs.p95), ''],
      ],
    ),
    '',
    floorComparison(results),
    '',
    '## Where the CPU goes',
    '',
    'Milliseconds of CPU per sign-up over each run, as the kernel counted them: the machine (all cores, all ' +
      'processes), the web process (the hash included), the worker, PostgreSQL (the server and its backends) and the ' +
      "bench's own process (the load generator and the SMTP sink); other: the rest of the machine. With SMTP latency " +
      "the worker sends most of a deferred run's emails after the run, so those rows show less worker and PostgreSQL " +
      'time than their sign-ups cause.',
    '',
    table(
      ['Mode', 'SMTP latency', 'Concurrent', 'Machine', 'Web', 'Worker', 'PostgreSQL', 'Bench', 'Other'],
      results.signups.map(({ mode, smtpLatencyMs, connections, cpuMsPerSignup: cpu }) => [
        modeName[mode],
        `${smtpLatencyMs} ms`,
        String(connections),
        ms(cpu.machine),
        ms(cpu.web),
        ms(cpu.worker),
        ms(cpu.database),
        ms(cpu.bench),
        ms(Math.max(0, cpu.machine - cpu.web - (cpu.worker ?? 0) - cpu.database - cpu.bench)),
      ]),
    ),
    '',
    cpuBudget(results),
    '',
    '## Browser: submit to "Check your inbox"',
    '',
    table(
      ['Mode', 'SMTP latency', 'Sign-ups', 'p50', 'max'],
      results.modes.flatMap((mode) =>
        mode.browser
          ? [
              [
                modeName[mode.mode],
                `${mode.browser.smtpLatencyMs} ms`,
                String(mode.browser.submitToCheckInboxMs?.count ?? 0),
                ms(mode.browser.submitToCheckInboxMs?.p50),
                ms(mode.browser.submitToCheckInboxMs?.max),
              ],
            ]
          : [],
      ),
    ),
    '',
    ...enumerationSection(results),
    '## Worker throughput',
    '',
    `A backlog of confirmation emails for real accounts is committed in one insert while the workers idle; the sink adds no latency.`,
    '',
    table(
      [
        'Workers × most in flight',
        'Backlog',
        'Delivered',
        'Drain',
        'Emails/s',
        'Steady emails/s',
        'Worker CPU per email',
        'Peak RSS per worker',
        'Load',
      ],
      results.workers.map((drain) => [
        `${drain.workers} × ${drain.maxEmailsInFlight}`,
        String(drain.backlog),
        `${drain.delivered}${drain.drained ? '' : ' (time limit)'}`,
        `${drain.drainSeconds.toFixed(1)} s`,
        drain.emailsPerSecond.toFixed(1),
        drain.steadyEmailsPerSecond.toFixed(1),
        ms(drain.workerCpuMsPerEmail),
        drain.peakRssBytes.map(mb).join(', '),
        drain.loadAverage.toFixed(1),
      ]),
    ),
    '',
    '## Mail under load',
    '',
    "Sign-ups through the JSON route on the workers' defaults, every SMTP transaction held by the sink for the latency shown: a burst fired on a schedule whatever the answers, and one client signing up again as soon as it is answered. From each 201 to its email accepted by the SMTP server.",
    '',
    table(
      ['Case', 'Sign-ups', 'Workers', 'SMTP latency', 'Accepted', 'p50', 'p95', 'Slowest'],
      results.mail.map((mailCase) => [
        mailCase.load.kind === 'burst' ? `burst over ${mailCase.load.overSeconds} s` : 'sustained, 1 concurrent',
        String(mailCase.created),
        String(mailCase.workers),
        `${mailCase.smtpLatencyMs} ms`,
        `${mailCase.accepted}/${mailCase.created}`,
        ms(mailCase.signupToAcceptedMs?.p50),
        ms(mailCase.signupToAcceptedMs?.p95),
        ms(mailCase.signupToAcceptedMs?.max),
      ]),
    ),
    '',
    '## Memory',
    '',
    "Peak resident set (VmHWM) of each process over all of its mode's runs, the highest concurrency included.",
    '',
    table(
      ['Mode', 'Web (next start)', 'Worker'],
      results.modes.map((mode) => [
        modeName[mode.mode],
        mb(mode.webPeakRssBytes),
        mode.workerPeakRssBytes === undefined ? '–' : mb(mode.workerPeakRssBytes),
      ]),
    ),
    '',
    ...importSection(results),
  ];
  return lines.join('\n');
}

function importSection({ imports }: BenchResults): string[] {
  if (!imports) return [];
  const { webMemory, processing, invitations, confirmationDuringImportMs, uploader } = imports;
  const uploaderRow = (name: string, run: (typeof uploader)['deferred']) => [
    name,
    ms(run.interactionMs?.p50),
    ms(run.interactionMs?.p95),
    `${run.totalSeconds.toFixed(1)} s`,
    `${run.allCompletedSeconds.toFixed(1)} s`,
    `${run.completed}/${run.files}`,
  ];
  return [
    '## Imports',
    '',
    'Uploads to `POST /api/imports` on `next start`, each against a bare insert of the same bytes in 1 MiB chunks ' +
      'into a table like the import’s, in one transaction, by node-postgres: the time it takes to stream them ' +
      'into PostgreSQL at all. Each upload follows its own bare insert; each of the two starts on a vacuumed, ' +
      'checkpointed database once the import before it has finished. The paired ratio is each upload ÷ the insert ' +
      'just before it, since the disk’s speed drifts from one sample to the next.',
    '',
    table(
      ['File', 'Bare insert p50', 'Upload answered p50', 'p95', 'Paired ratio p50', 'max'],
      imports.uploads.map((upload) => [
        mb(upload.sizeBytes),
        ms(upload.bareInsertMs?.p50),
        ms(upload.uploadAnswerMs?.p50),
        ms(upload.uploadAnswerMs?.p95),
        upload.pairedRatio ? `${formatNumber(upload.pairedRatio.p50)}×` : '–',
        upload.pairedRatio ? `${formatNumber(upload.pairedRatio.max)}×` : '–',
      ]),
    ),
    '',
    `The web process held ${mb(webMemory.idleRssBytes)} before its last upload of ${mb(webMemory.sizeBytes)} and peaked at ` +
      `${mb(webMemory.peakRssBytes)} during it (VmHWM restarted just before); its first such upload went from ` +
      `${mb(webMemory.first.idleRssBytes)} to ${mb(webMemory.first.peakRssBytes)}, most of which the allocator keeps afterwards.`,
    '',
    `Processing, one worker: ${processing.created} of ${processing.rows} rows created in ${processing.seconds.toFixed(1)} s ` +
      `from the upload's commit (the metadata sent at once, the parse included): ${processing.usersPerSecond.toFixed(0)} users/s; ` +
      `the commit alone ${processing.commitUsersPerSecond.toFixed(0)} users/s. Invitations are sent apart, bounded by SMTP: ` +
      `${invitations.perSecond.toFixed(0)}/s over the ${invitations.windowSeconds} s after the import completed (the rest ` +
      'was discarded). ' +
      (confirmationDuringImportMs
        ? `Meanwhile a person signed up every 250 ms: sign-up → confirmation accepted by SMTP p50 ` +
          `${ms(confirmationDuringImportMs.p50)}, p95 ${ms(confirmationDuringImportMs.p95)}, max ${ms(confirmationDuringImportMs.max)} ` +
          `(${confirmationDuringImportMs.count} sign-ups).`
        : ''),
    '',
    `The legacy uploader (\`npm run uploader\`): ${uploader.deferred.files} files of ${uploader.deferred.rowsPerFile} rows, ` +
      'each uploaded, its answer awaited, then its metadata, then the next file. "Baseline" processes the file inside the ' +
      'requests (`IMPORT_PROCESSING=in-request`, never the default): the upload answers after the parse, the metadata after the commit.',
    '',
    table(
      ['Server', 'Per file p50', 'Per file p95', 'Uploader busy', 'All completed', 'Completed'],
      [
        uploaderRow('deferred', uploader.deferred),
        uploaderRow('baseline (process in request)', uploader['in-request']),
      ],
    ),
    '',
  ];
}

function floorComparison({ floor, signups, options }: BenchResults): string {
  const floorMs = floor.hashMs.p50 + floor.transactionMs.p50;
  const lowLoad = Math.min(...options.concurrency);
  const quiet = findRun(signups, 'deferred', 0, lowLoad);
  if (!quiet?.latencyMs) return '';
  const rest = quiet.latencyMs.p50 - floorMs;
  const above =
    rest > 0
      ? `The remaining ${ms(rest)} at p50 is the rate-limit checks, HTTP and validation, and waiting for a CPU: the bench runs everything on one machine, and at 0 ms SMTP latency the worker sends each email, and PostgreSQL records it, while the next sign-up runs.`
      : 'The floor was timed while the machine was busier than during this run (see the load averages), so it overstates the floor.';
  return (
    `Deferred sign-up at ${lowLoad} concurrent: p50 ${ms(quiet.latencyMs.p50)}, p95 ${ms(quiet.latencyMs.p95)}, ` +
    `${formatNumber(quiet.latencyMs.p50 / floorMs)}× (p50) and ${formatNumber(quiet.latencyMs.p95 / floorMs)}× (p95) the floor of ` +
    `${ms(floorMs)}. ${above} The web process spends ${ms(quiet.cpuMsPerSignup.web)} of CPU per sign-up, the hash included.`
  );
}

/** What the CPU targets allow a sign-up, against what a sign-up took and who spent it. */
function cpuBudget({ floor, signups, modes, options }: BenchResults): string {
  const highLoad = Math.max(...options.concurrency);
  const busy = findRun(signups, 'deferred', 0, highLoad);
  if (!busy) return '';
  const { machine, web, worker = 0, database, bench } = busy.cpuMsPerSignup;
  // cores ÷ (share × cores ÷ hash): the hash's time over the share, however many cores.
  const throughputBudget = floor.hashMs.p50 / throughputTarget;
  return (
    `The CPU targets allow a sign-up ${ms(cpuTargetsMs.product)} of the web process, the worker and PostgreSQL ` +
    `together, ${ms(cpuTargetsMs.web)} of it in the web process, the hash's ${ms(floor.hashMs.p50)} included; ` +
    `the throughput target, ${throughputTarget} × the hash-bound limit, leaves ${ms(throughputBudget)} of machine ` +
    `CPU. At ${highLoad} concurrent and 0 ms SMTP latency the three spent ${ms(web + worker + database)}: the web ` +
    `process ${ms(web)}, PostgreSQL ${ms(database)}, the worker ${ms(worker)}; with the bench's ${ms(bench)} and ` +
    `the rest, the machine ${ms(machine)}. Of the web process's ${ms(web)}, the hash takes ` +
    `${ms(floor.hashCpuMs.onAllCores)} of CPU when ${floor.cores} run at once (the floor above), which leaves ` +
    `${ms(web - floor.hashCpuMs.onAllCores)} for HTTP, Next.js, the rate limits, the checks and the write; ` +
    (cpuTargetsMs.web > floor.hashCpuMs.onAllCores
      ? `the target leaves them ${ms(cpuTargetsMs.web - floor.hashCpuMs.onAllCores)}.`
      : 'on this machine the hash alone takes more than the target allows the whole web process.') +
    doorCost(modes.find((mode) => mode.mode === 'deferred')?.refusedAtTheDoor)
  );
}

function doorCost(door: ModeSummary['refusedAtTheDoor']): string {
  if (!door) return '';
  return (
    ` A request the sign-up route refuses before any of its work (a body that is not JSON, answered 400: HTTP, ` +
    `Next.js and the route's first lines, no database), ${door.connections} concurrent, took the web process ` +
    `${ms(door.webCpuMsPerRequest)} of CPU.`
  );
}

function enumerationSection({ enumeration, options, floor }: BenchResults): string[] {
  if (!enumeration) return [];
  const endpoints = timedEndpoints(enumeration).map(([, endpoint]) => endpoint);
  const signIn = enumeration.signInSuccessMs;
  const otherAnswers = endpoints.reduce((sum, endpoint) => sum + endpoint.otherAnswers, 0);
  return [
    '## Known vs unknown address: server time',
    '',
    `Deferred mode. Each endpoint was asked about ${options.enumerationSamples} addresses with an unconfirmed account ` +
      `(signed up just before) and ${options.enumerationSamples} without one, one request at a time, the two kinds in ` +
      'random order, each request from a client address of its own; times are round trips on loopback. AUC: the ' +
      'probability that a request for a known address took longer than one for an unknown address (Mann-Whitney; 0.5: ' +
      'no difference), indistinguishable within 2 standard errors of 0.5. Sign-in and forgot-password ask about ' +
      'the same accounts once confirmed. ' +
      `Answers other than the designed one, left out: ${otherAnswers}.`,
    '',
    signIn
      ? `Sign-in with the right password (a new session each, one at a time): p50 ${ms(signIn.p50)}, p95 ${ms(signIn.p95)}: ` +
        `${formatNumber(signIn.p50 / floor.hashMs.p50)}× and ${formatNumber(signIn.p95 / floor.hashMs.p50)}× the hash ` +
        `(${ms(floor.hashMs.p50)}), which a sign-in verifies once.`
      : 'Sign-in with the right password: not measured.',
    '',
    table(
      ['Endpoint', 'Known p50 / p95', 'Unknown p50 / p95', 'p50 difference', 'AUC ± SE', 'Verdict'],
      endpoints.map(({ endpoint, knownMs, unknownMs, distinguishability }) => [
        endpoint,
        `${ms(knownMs?.p50)} / ${ms(knownMs?.p95)}`,
        `${ms(unknownMs?.p50)} / ${ms(unknownMs?.p95)}`,
        knownMs && unknownMs ? signedMs(knownMs.p50 - unknownMs.p50) : '–',
        distinguishability
          ? `${distinguishability.auc.toFixed(3)} ± ${distinguishability.standardError.toFixed(3)}`
          : '–',
        distinguishability ? (distinguishability.indistinguishable ? 'indistinguishable' : '**distinguishable**') : '–',
      ]),
    ),
    '',
  ];
}

function table(header: string[], rows: string[][]): string {
  // A bare | inside a cell (|AUC − 0.5|) would end it.
  const cells = (row: string[]) => row.map((cell) => cell.replaceAll('|', '\\|'));
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${cells(row).join(' | ')} |`).join('\n');
}

function ms(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '–' : `${formatMs(value)} ms`;
}

function signedMs(value: number): string {
  return `${value < 0 ? '-' : '+'}${ms(Math.abs(value))}`;
}

function mb(bytes: number): string {
  return `${(bytes / megabyte).toFixed(0)} MB`;
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** Like formatNumber, with the digits that tell which side of its limit a value is on when it rounds to it. */
function formatBeside(measured: number, limit: number): string {
  const limitShown = formatNumber(limit);
  let shown = formatNumber(measured);
  for (let digits = 3; shown === limitShown && measured !== limit && digits <= 6; digits += 1) {
    shown = measured.toPrecision(digits);
  }
  return shown;
}

function missedBy(measured: number, limit: number): string {
  return `${formatNumber(measured / limit)}× the target`;
}

/** "2026-12-07, 01:39–01:43 UTC", with the second date too when the run went past midnight. */
function formatPeriod(startedAt: string, finishedAt: string): string {
  const [startDate, startTime] = [startedAt.slice(0, 10), startedAt.slice(11, 16)];
  const [endDate, endTime] = [finishedAt.slice(0, 10), finishedAt.slice(11, 16)];
  return endDate === startDate
    ? `${startDate}, ${startTime}–${endTime} UTC`
    : `${startDate} ${startTime} – ${endDate} ${endTime} UTC`;
}

function formatLoad(load: number[]): string {
  return load.map((value) => value.toFixed(1)).join(' / ');
}
