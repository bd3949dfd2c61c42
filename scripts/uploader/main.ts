// `npm run uploader -- --files=N --rows=R`: plays the legacy uploader (each file uploaded, its answer
// awaited, then its metadata, then the next file) against the product and against the design it
// replaces (the server processing each file inside the request, IMPORT_PROCESSING=in-request), on a
// stack of its own (embedded PostgreSQL, `next start`, a worker, an SMTP sink). Prints per-file
// interaction time (p50/p95), how long the uploader was busy and how long until every import
// completed, and writes them to BENCH_OUTPUT_DIR/uploader.json.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createDatabase } from '../../lib/db/database.server.ts';
import { startSmtpSink } from '../../testing/smtp-sink.ts';
import { ensureBuild } from '../bench/ensure-build.ts';
import { startEmbeddedDatabase } from '../local-stack/embedded-database.ts';
import { labelledLog } from '../local-stack/labelled-output.ts';
import { findFreePort } from '../local-stack/ports.ts';
import { createSupervisor } from '../local-stack/supervisor.ts';
import type { UploaderRun } from './legacy-uploader.ts';
import { compareUploaderModes } from './uploader-modes.ts';

const root = path.resolve(import.meta.dirname, '../..');
const log = labelledLog('uploader');

const optionsSchema = z.object({
  files: z.coerce.number().int().min(1).max(1000).default(10),
  rows: z.coerce.number().int().min(1).max(500_000).default(5000),
  timeoutSeconds: z.coerce.number().int().min(1).default(600),
  outputDir: z
    .string()
    .min(1)
    .default(process.env.BENCH_OUTPUT_DIR ?? 'bench-results'),
});
const { values } = parseArgs({
  options: Object.fromEntries(Object.keys(optionsSchema.shape).map((name) => [name, { type: 'string' as const }])),
});
const parsed = optionsSchema.safeParse(values);
if (!parsed.success) {
  console.error(
    `Usage: npm run uploader -- [--files=N] [--rows=R] [--timeoutSeconds=S]\n${z.prettifyError(parsed.error)}`,
  );
  process.exit(2);
}
const options = parsed.data;
const outputDir = path.resolve(root, options.outputDir);
await mkdir(path.join(outputDir, 'logs'), { recursive: true });

log('Checking the build of the app…');
await ensureBuild(root);
const supervisor = createSupervisor({ cwd: root, name: 'uploader' });
const database = await startEmbeddedDatabase({
  dataDir: await mkdtemp(path.join(tmpdir(), 'signup-uploader-pg-')),
  port: await findFreePort(),
  persistent: false,
});
try {
  await database.ensureDatabase('signup');
  const databaseUrl = database.urlFor('signup');
  await supervisor.run('migrate', process.execPath, ['node_modules/.bin/prisma', 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    logFile: path.join(outputDir, 'logs/uploader-migrate.log'),
  });
  const sink = await startSmtpSink({ keepMessages: false });
  const db = createDatabase(databaseUrl);
  try {
    const comparison = await compareUploaderModes(
      {
        root,
        supervisor,
        db,
        appPort: await findFreePort(),
        logDir: path.join(outputDir, 'logs'),
        env: { ...process.env, DATABASE_URL: databaseUrl, SMTP_URL: sink.url, NEXT_TELEMETRY_DISABLED: '1' },
      },
      { files: options.files, rowsPerFile: options.rows, completionTimeoutSeconds: options.timeoutSeconds, log },
    );
    const row = (name: string, run: UploaderRun) =>
      `| ${name} | ${run.interactionMs?.p50.toFixed(0)} ms | ${run.interactionMs?.p95.toFixed(0)} ms | ` +
      `${run.totalSeconds.toFixed(1)} s | ${run.allCompletedSeconds.toFixed(1)} s | ${run.completed}/${run.files} |`;
    console.log(
      [
        '',
        `${options.files} files of ${options.rows} rows, uploaded one after another as the legacy module does:`,
        '',
        '| Server | Per file p50 | Per file p95 | Uploader busy | All completed | Completed |',
        '| --- | --- | --- | --- | --- | --- |',
        row('deferred (the product)', comparison.deferred),
        row('baseline: processed in the request', comparison['in-request']),
        '',
      ].join('\n'),
    );
    await writeFile(path.join(outputDir, 'uploader.json'), `${JSON.stringify({ options, ...comparison }, null, 2)}\n`);
  } finally {
    await supervisor.stopAll();
    await db.$disconnect();
    await sink.stop();
  }
} finally {
  await database.stop();
}
