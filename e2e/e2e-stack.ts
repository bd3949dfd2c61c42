// What the end-to-end suite runs against, started by Playwright's webServer: the built app
// (`next start`), the worker, a mail catcher and a throw-away database, as in production.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { webArgs, workerArgs } from '../scripts/local-stack/app-commands.ts';
import { labelledLog } from '../scripts/local-stack/labelled-output.ts';
import { startDatabaseService, startMailService } from '../scripts/local-stack/local-services.ts';
import { createSupervisor } from '../scripts/local-stack/supervisor.ts';
import { e2eStack } from './e2e-stack-config.ts';

const root = path.resolve(import.meta.dirname, '..');
const supervisor = createSupervisor({ cwd: root, name: 'e2e', untilStopped: true });
// Each its own folder: PostgreSQL runs as another user, who must own its data directory outright.
const scratchDir = (name: string) => mkdtemp(path.join(tmpdir(), `signup-e2e-${name}-`));

try {
  const databaseUrl =
    process.env.DATABASE_URL ??
    (await startDatabaseService(supervisor, {
      dataDir: await scratchDir('postgres'),
      port: e2eStack.dbPort,
      database: 'signup',
      persistent: false,
    }));
  const mail = await startMailService(supervisor, {
    smtpPort: e2eStack.smtpPort,
    webPort: e2eStack.inboxPort,
    mailDirectory: await scratchDir('mail'),
  });
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SMTP_URL: mail.smtpUrl,
    APP_URL: e2eStack.appUrl,
    // The tests act as many clients (see the clientIp fixture); the global limit is tested on its own.
    SIGNUP_LIMIT_PER_MINUTE: '100000',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  await supervisor.run('migrate', process.execPath, ['node_modules/.bin/prisma', 'migrate', 'deploy'], { env });
  supervisor.start('worker', process.execPath, workerArgs(root), { env });
  supervisor.start('web', process.execPath, webArgs(root, { hostname: '127.0.0.1', port: e2eStack.appPort }), {
    env,
  });
} catch (error) {
  if (!supervisor.stopping)
    labelledLog('e2e')(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  await supervisor.stop(1);
}
