import { defineConfig } from '@playwright/test';
import e2eConfig from '../../playwright.config.ts';

// The end-to-end suite's browser set-up, pointed at the app the bench has started (BENCH_APP_URL)
// instead of a stack of its own. Only `npm run bench` runs this.
export default defineConfig({
  ...e2eConfig,
  testDir: 'browser',
  outputDir: '../../bench-results/playwright',
  fullyParallel: false,
  workers: 1,
  reporter: [['line']],
  use: { ...e2eConfig.use, baseURL: process.env.BENCH_APP_URL },
  webServer: undefined,
});
