// `npm run faults`: proves that no confirmation or password reset email is lost, and few are doubled,
// and that every valid row of the imports uploaded meanwhile becomes one user with one invitation,
// while things break. Starts its own PostgreSQL, web processes, workers and a misbehaving SMTP server,
// all on loopback; signs users up through the web tier (a share of them then asks for a password
// reset) while it kills workers, fails SMTP deliveries and restarts the database; waits for the
// queue to drain; prints a table and every duplicate; exits 1 if an email was lost, one was doubled
// without a worker killed between its acceptance and its record, or a sign-up got a 500 outside the
// restart. Needs `npm run build` first.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSmtpSink } from '../../testing/smtp-sink.ts';
import { buildOutputs } from '../local-stack/app-commands.ts';
import { startWeb, startWorker } from '../local-stack/app-processes.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../local-stack/embedded-database.ts';
import { labelledLog } from '../local-stack/labelled-output.ts';
import { findFreePort } from '../local-stack/ports.ts';
import { createSupervisor } from '../local-stack/supervisor.ts';
import { createDatabase } from '../../lib/db/database.server.ts';
import { createApiKey } from '../../lib/imports/api-keys.server.ts';
import { describeDuplicate, findDuplicates } from './duplicates.ts';
import { buildReport, countPendingJobs, describePendingJobs, formatTable, readUserStates } from './fault-report.ts';
import { checkImports, importDomain, runImportLoad } from './import-load.ts';
import { runSignUpLoad } from './sign-up-load.ts';

const root = path.resolve(import.meta.dirname, '../..');

const share = z.coerce.number().min(0).max(1);
const count = z.coerce.number().int().min(0);
const optionsSchema = z.object({
  users: count.min(1).default(2000),
  concurrency: count.min(1).default(8),
  webs: count.min(1).default(2),
  workers: count.min(1).default(3),
  killEverySeconds: z.coerce.number().min(0.5).default(4),
  maxKills: count.default(1000),
  dbRestart: z.stringbool().default(true),
  dbDownMs: count.default(2000),
  transient: share.default(0.1),
  drop: share.default(0.03),
  delay: share.default(0.1),
  delayMs: count.default(1500),
  /** Every n-th address is one the SMTP server refuses for good (it must end dead-lettered, not lost). */
  bounceEvery: count.default(100),
  /** Every n-th address asks for a password reset once signed up (0: none). */
  resetEvery: count.default(3),
  /** Files uploaded to the imports API during the load, one after another, and their rows each. */
  imports: count.default(3),
  importRows: count.min(1).default(200),
  // Long enough for a retry at the queue's longest backoff (5 minutes): an email that met several
  // SMTP faults in a row is late, not lost, and the drain waits for it.
  drainTimeoutSeconds: count.default(330),
});

const { values } = parseArgs({
  options: Object.fromEntries(Object.keys(optionsSchema.shape).map((name) => [name, { type: 'string' as const }])),
});
const parsedOptions = optionsSchema.safeParse(values);
if (!parsedOptions.success) {
  console.error(`Invalid options:\n${z.prettifyError(parsedOptions.error)}`);
  process.exit(2);
}
const options = parsedOptions.data;
if (!buildOutputs(root).every((output) => existsSync(path.join(root, output)))) {
  console.error(
    'No production build: run `npm run build` first (the fault run starts `next start` and the built worker).',
  );
  process.exit(2);
}

const say = labelledLog('faults');
const startedAt = Date.now();
// A folder of its own: PostgreSQL runs as another user, who must own its data directory outright.
const dataDir = await mkdtemp(path.join(tmpdir(), 'signup-faults-postgres-'));
const logDir = await mkdtemp(path.join(tmpdir(), 'signup-faults-logs-'));
const dbPort = await findFreePort();
const smtp = await startSmtpSink();
const supervisor = createSupervisor({ cwd: root, name: 'faults' });
let database: EmbeddedDatabase | undefined;
let exitCode = 1;

try {
  say(`logs in ${logDir}`);
  database = await startEmbeddedDatabase({ dataDir, port: dbPort, persistent: true });
  await database.ensureDatabase('signup');
  const databaseUrl = database.urlFor('signup');
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtp.url,
    APP_URL: 'http://127.0.0.1',
    // The load comes from one address at a rate no real client has: the limits would answer most of it.
    SIGNUP_LIMIT_PER_MINUTE: '10000000',
    SIGNUP_LIMIT_PER_CLIENT: '10000000',
    // Password resets name their client (one per address), which the per-client limit then counts.
    TRUSTED_PROXY_IP_HEADER: 'x-real-ip',
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: 'info',
  };
  const processOptions = (name: string) => ({ root, env, logFile: path.join(logDir, `${name}.log`) });
  await supervisor.run(
    'migrate',
    process.execPath,
    ['node_modules/.bin/prisma', 'migrate', 'deploy'],
    processOptions('migrate'),
  );

  const webUrls: string[] = [];
  const webs: Promise<unknown>[] = [];
  for (let index = 1; index <= options.webs; index += 1) {
    const port = await findFreePort();
    webs.push(startWeb(supervisor, `web-${index}`, port, processOptions(`web-${index}`)));
    webUrls.push(`http://127.0.0.1:${port}`);
  }
  await Promise.all(webs);

  let workerCount = 0;
  const startNextWorker = () => {
    workerCount += 1;
    return startWorker(supervisor, `worker-${workerCount}`, processOptions(`worker-${workerCount}`));
  };
  const workers = await Promise.all(Array.from({ length: options.workers }, startNextWorker));
  say(`${options.webs} web processes, ${options.workers} workers, PostgreSQL on port ${dbPort}, SMTP at ${smtp.url}`);

  smtp.setFaultRates({
    transient: options.transient,
    drop: options.drop,
    delay: options.delay,
    delayMs: options.delayMs,
    rejectRecipients: /^bounce-/,
  });

  const emails = Array.from({ length: options.users }, (_, index) =>
    options.bounceEvery > 0 && (index + 1) % options.bounceEvery === 0
      ? `bounce-${index}@fault-run.test`
      : `user-${index}@fault-run.test`,
  );

  // Kills a random worker every few seconds and starts a replacement, for as long as the load runs.
  let workerKills = 0;
  // When each SIGKILL went out, on the clock the SMTP sink stamps acceptances with.
  const killTimes: number[] = [];
  let loading = true;
  const killer = (async () => {
    while (loading && workerKills < options.maxKills) {
      await sleep(options.killEverySeconds * 1000);
      if (!loading) break;
      const victim = workers.splice(Math.floor(Math.random() * workers.length), 1)[0];
      if (!victim) continue;
      killTimes.push(Date.now());
      await victim.stop({ signal: 'SIGKILL' });
      workerKills += 1;
      workers.push(await startNextWorker());
    }
  })();

  let restartWindow: { from: number; to: number } | undefined;
  let restart: Promise<void> | undefined;
  const restartDatabase = async () => {
    const from = Date.now();
    say('restarting PostgreSQL');
    await database?.stop();
    await sleep(options.dbDownMs);
    database = await startEmbeddedDatabase({ dataDir, port: dbPort, persistent: true });
    // Errors a few seconds after the database is back still belong to the restart: pools reconnect.
    restartWindow = { from, to: Date.now() + 5_000 };
    say(`PostgreSQL back after ${Date.now() - from} ms`);
  };

  const db = createDatabase(databaseUrl);
  const key = await createApiKey(db, 'fault-run');
  await db.$disconnect();
  if (key.status !== 'created') throw new Error('could not create the API key');
  say(`signing up ${options.users} users, and importing ${options.imports} files of ${options.importRows} rows`);
  const importing = runImportLoad({
    webUrls,
    key: key.key,
    files: options.imports,
    rows: options.importRows,
    giveUpAfterMs: 60_000,
  });
  const outcomes = await runSignUpLoad({
    webUrls,
    emails,
    concurrency: options.concurrency,
    giveUpAfterMs: 60_000,
    asksForReset: (index) =>
      options.resetEvery > 0 && index % options.resetEvery === 0 && !emails[index]?.startsWith('bounce-'),
    onProgress(done) {
      if (options.dbRestart && !restart && done >= options.users / 2) restart = restartDatabase();
      if (done % Math.max(1, Math.floor(options.users / 10)) === 0) say(`${done} sign-ups done`);
    },
  });
  const imports = await importing;
  loading = false;
  await restart;
  await killer;

  say('waiting for the queue to drain');
  const drainDeadline = Date.now() + options.drainTimeoutSeconds * 1000;
  while (Date.now() < drainDeadline && (await countPendingJobs(databaseUrl)) > 0) await sleep(500);
  for (const job of await describePendingJobs(databaseUrl)) say(`still pending: ${job}`);

  const report = buildReport({
    outcomes,
    users: await readUserStates(databaseUrl, '%@fault-run.test'),
    // The invitations are the imports' own count.
    messages: smtp.messages.filter(
      (message) => !message.to || Array.isArray(message.to) || !message.to.text.endsWith(importDomain),
    ),
    workerKills,
    restartWindow,
    smtpStats: smtp.stats,
    durationMs: Date.now() - startedAt,
  });
  const importFacts = await checkImports(databaseUrl, imports, smtp.messages);
  console.log(`\n${formatTable([...report.rows, ...importFacts.rows])}\n`);
  // Every duplicate, of any kind, explained by a kill or not: a count "at most the kills" would hide
  // a bug behind a lucky run.
  const duplicates = findDuplicates(smtp.messages, killTimes);
  for (const duplicate of duplicates) say(`duplicate: ${describeDuplicate(duplicate, startedAt)}`);
  const unexplained = duplicates.filter((duplicate) => duplicate.killAfterMs === undefined);
  console.log(
    `${formatTable([
      ['duplicates explained by a kill once the server had them', duplicates.length - unexplained.length],
      ['duplicates not explained (a failure)', unexplained.length],
    ])}\n`,
  );
  const failures = [
    report.lost > 0 && `${report.lost} email(s) lost`,
    importFacts.lost > 0 && `${importFacts.lost} import user(s), invitation(s) or import(s) lost`,
    unexplained.length > 0 && `${unexplained.length} duplicated with no worker killed between acceptance and record`,
    report.serverErrorsOutsideRestart > 0 && `${report.serverErrorsOutsideRestart} HTTP 500(s) outside the restart`,
  ].filter((failure) => failure !== false);
  say(failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`);
  exitCode = failures.length === 0 ? 0 : 1;
} catch (error) {
  say(`the run broke off: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await supervisor.stopAll();
  await smtp.stop();
  await database?.stop();
  await rm(dataDir, { recursive: true, force: true });
  if (exitCode === 0) await rm(logDir, { recursive: true, force: true });
}
process.exit(exitCode);
