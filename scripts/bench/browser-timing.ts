import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { summarize, type Distribution } from './distribution.ts';

type BrowserTimingOptions = { root: string; appUrl: string; signups: number; logFile: string; resultFile: string };

const resultSchema = z.object({ submitToCheckInboxMs: z.array(z.number()) });

/**
 * Signs up `signups` times in Chromium through the form (Playwright, browser/sign-up-timing.spec.ts)
 * and returns the times from pressing "Sign up" to the "Check your inbox" page.
 */
export async function measureBrowserSignups(options: BrowserTimingOptions): Promise<Distribution | undefined> {
  const log = await open(options.logFile, 'a');
  try {
    const child = spawn(
      process.execPath,
      [
        path.join(options.root, 'node_modules/.bin/playwright'),
        'test',
        '--config',
        path.join(import.meta.dirname, 'playwright.bench.config.ts'),
      ],
      {
        cwd: options.root,
        env: {
          ...process.env,
          BENCH_APP_URL: options.appUrl,
          BENCH_BROWSER_SIGNUPS: String(options.signups),
          BENCH_BROWSER_RESULT: options.resultFile,
        },
        stdio: ['ignore', log.fd, log.fd],
      },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`the browser run failed; its output is in ${options.logFile}`);
  } finally {
    await log.close();
  }
  const result = resultSchema.parse(JSON.parse(await readFile(options.resultFile, 'utf8')));
  return summarize(result.submitToCheckInboxMs);
}
