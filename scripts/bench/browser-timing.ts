import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Supervisor } from '../local-stack/supervisor.ts';
import { summarize, type Distribution } from './distribution.ts';

type BrowserTimingOptions = {
  supervisor: Supervisor;
  root: string;
  appUrl: string;
  signups: number;
  logFile: string;
  resultFile: string;
};

const resultSchema = z.object({ submitToCheckInboxMs: z.array(z.number()) });

/**
 * Signs up `signups` times in Chromium through the form (Playwright, browser/sign-up-timing.spec.ts)
 * and returns the times from pressing "Sign up" to the "Check your inbox" page.
 */
export async function measureBrowserSignups(options: BrowserTimingOptions): Promise<Distribution | undefined> {
  await options.supervisor.run(
    'browser',
    process.execPath,
    [
      path.join(options.root, 'node_modules/.bin/playwright'),
      'test',
      '--config',
      path.join(import.meta.dirname, 'playwright.bench.config.ts'),
    ],
    {
      env: {
        ...process.env,
        BENCH_APP_URL: options.appUrl,
        BENCH_BROWSER_SIGNUPS: String(options.signups),
        BENCH_BROWSER_RESULT: options.resultFile,
      },
      logFile: options.logFile,
    },
  );
  const result = resultSchema.parse(JSON.parse(await readFile(options.resultFile, 'utf8')));
  return summarize(result.submitToCheckInboxMs);
}
