import { existsSync } from 'node:fs';
import { chromium, defineConfig, devices } from '@playwright/test';
import { e2eStack } from './e2e/e2e-stack-config.ts';

// Playwright cannot download its browsers on every machine: use a Chromium that is already there,
// else Playwright's own.
const chromiumPath =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', chromium.executablePath()].find((path) => existsSync(path));
if (!chromiumPath) {
  throw new Error(
    'No Chromium found: set CHROMIUM_PATH, install one (Debian: apt-get install chromium), or run `npx playwright install chromium`.',
  );
}

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  // The second prints the sign-up timings the tests measured (e2e/sign-up-timing.ts) at the end.
  reporter: [['list'], ['./e2e/timing-reporter.ts']],
  use: {
    baseURL: e2eStack.appUrl,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions: { executablePath: chromiumPath } },
    },
  ],
  // The built app and worker (`npm run build` first), with a database and mail catcher of their own.
  webServer: {
    command: 'node e2e/e2e-stack.ts',
    url: `${e2eStack.appUrl}/signup`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
});
