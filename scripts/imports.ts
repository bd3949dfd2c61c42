// `npm run imports -- list` shows the latest imports of every key; `npm run imports -- watch ID`
// follows one with a progress bar, its rows a second and its outcome counts, until it finishes.
// Uses DATABASE_URL.
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { loadConfig } from '../lib/config/config.server.ts';
import { createDatabase, type Database } from '../lib/db/database.server.ts';
import { findAnyImport, isFinished, listImports, type ImportView } from '../lib/imports/import-status.server.ts';

const commandSchema = z.union([z.tuple([z.literal('list')]), z.tuple([z.literal('watch'), z.uuid()])]);

const parsed = commandSchema.safeParse(process.argv.slice(2));
if (!parsed.success) {
  console.error('Usage: npm run imports -- list | watch IMPORT_ID');
  process.exit(2);
}

async function list(db: Database): Promise<void> {
  const imports = await listImports(db);
  if (imports.length === 0) console.log('No imports yet.');
  for (const view of imports) {
    const { rows, created, updated, skipped, failed } = view.counts;
    console.log(
      [
        view.id,
        view.receivedAt.toISOString(),
        view.apiKey,
        view.status.padEnd(21),
        `${view.percent}%`.padStart(4),
        `rows ${rows}`,
        `created ${created} updated ${updated} skipped ${skipped} failed ${failed}`,
        view.reason ?? '',
      ].join('  '),
    );
  }
}

const settledOf = ({ counts }: ImportView) => counts.created + counts.updated + counts.skipped + counts.failed;

/** Polls the import until it finishes; exits 1 if it failed or was cancelled. */
async function watch(db: Database, importId: string): Promise<number> {
  let view = await findAnyImport(db, importId);
  if (!view) {
    console.error(`No import ${importId}.`);
    return 1;
  }
  const bar = new cliProgress.SingleBar(
    {
      format:
        '{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ' +
        'created {created} updated {updated} skipped {skipped} failed {failed} | {status}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (current: ImportView, rate: number) => ({
    rate: Math.round(rate),
    status: current.status,
    ...current.counts,
  });
  bar.start(Math.max(view.counts.rows, 1), settledOf(view), payload(view, 0));
  // Rows a second over the last few seconds, not since the start: waits for metadata would drag it down.
  const samples: { at: number; settled: number }[] = [];
  while (view && !isFinished(view.status)) {
    await sleep(500);
    view = await findAnyImport(db, importId);
    if (!view) break;
    samples.push({ at: performance.now(), settled: settledOf(view) });
    while (samples.length > 8) samples.shift();
    const first = samples[0];
    const last = samples.at(-1);
    const rate =
      first && last && last.at > first.at ? ((last.settled - first.settled) * 1000) / (last.at - first.at) : 0;
    bar.setTotal(Math.max(view.counts.rows, 1));
    bar.update(settledOf(view), payload(view, rate));
  }
  bar.stop();
  if (!view) return 1;
  const elapsed = view.startedAt && view.finishedAt ? (view.finishedAt.getTime() - view.startedAt.getTime()) / 1000 : 0;
  console.log(
    `${view.status}${view.reason ? `: ${view.reason}` : ''}` +
      (elapsed > 0 ? ` (${Math.round(settledOf(view) / elapsed)} rows/s from the start of its commit)` : ''),
  );
  return view.status === 'failed' || view.status === 'cancelled' ? 1 : 0;
}

const db = createDatabase(loadConfig().databaseUrl);
try {
  const command = parsed.data;
  if (command[0] === 'list') await list(db);
  else process.exitCode = await watch(db, command[1]);
} finally {
  await db.$disconnect();
}
