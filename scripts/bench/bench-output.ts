// What `npm run bench` leaves behind. Every run: results.json, report.md and its chart in
// BENCH_OUTPUT_DIR (git-ignored). A run with the default settings also writes the same report to
// docs/benchmark.md, committed with the code, so that the figures people read are always a whole
// run's, as the bench printed them (ADR 005).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { usesDefaultSettings } from './bench-options.ts';
import { renderReport } from './bench-report.ts';
import type { BenchResults } from './bench-results.ts';
import { renderLatencyChart } from './latency-chart.ts';

/** The committed report of the latest run with the default settings, and its chart, from the root. */
export const committedReport = { page: 'docs/benchmark.md', chart: 'docs/benchmark-latency.svg' };
const chartFile = 'latency-by-smtp-latency.svg';

/** Writes a run's results and reports, and returns the reports' paths. */
export async function writeBenchOutput(root: string, outputDir: string, results: BenchResults): Promise<string[]> {
  const chart = renderLatencyChart(results.signups);
  await writeFile(path.join(outputDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(outputDir, chartFile), chart);
  const report = path.join(outputDir, 'report.md');
  await writeFile(report, renderReport(results, chartFile));
  // A quicker run, while changing the bench itself, must not leave its figures where people read them.
  if (!usesDefaultSettings(results.options)) return [report];
  const page = path.join(root, committedReport.page);
  await writeFile(path.join(root, committedReport.chart), chart);
  await writeFile(page, renderReport(results, path.basename(committedReport.chart)));
  return [report, page];
}

/** The commit the sources are at, and whether they differ from it; undefined outside a git clone. */
export async function describeSources(root: string): Promise<string | undefined> {
  const git = (...args: string[]) =>
    promisify(execFile)('git', ['-C', root, ...args]).then(({ stdout }) => stdout.trim());
  try {
    const commit = await git('rev-parse', '--short', 'HEAD');
    // The bench's own output does not count: the last run's report is usually not committed yet.
    const changes = await git(
      'status',
      '--porcelain',
      '--',
      '.',
      ...Object.values(committedReport).map((file) => `:(exclude)${file}`),
    );
    return changes === '' ? commit : `${commit} with uncommitted changes`;
  } catch {
    return undefined;
  }
}
