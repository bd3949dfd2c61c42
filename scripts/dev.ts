// `npm run dev`: the whole app on this machine. The database and the mail catcher start unless
// DATABASE_URL and SMTP_URL point elsewhere; then migrations run, then the web server and the worker.
import path from 'node:path';
import { z } from 'zod';
import { workerSourceArgs } from './local-stack/app-commands.ts';
import { labelledLog } from './local-stack/labelled-output.ts';
import { startDatabaseService, startMailService } from './local-stack/local-services.ts';
import { createSupervisor } from './local-stack/supervisor.ts';

const root = path.resolve(import.meta.dirname, '..');

const port = z.coerce.number().int().min(1).max(65535);
const envSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  SMTP_URL: z.string().min(1).optional(),
  // Not 5432, so that it runs beside a PostgreSQL the machine may already have.
  DEV_DB_PORT: port.default(54329),
  DEV_SMTP_PORT: port.default(1025),
  DEV_INBOX_PORT: port.default(1080),
  PORT: port.default(3000),
});

const parsedEnv = envSchema.safeParse(process.env);
if (!parsedEnv.success) {
  console.error(`Invalid environment:\n${z.prettifyError(parsedEnv.error)}`);
  process.exit(1);
}
const env = parsedEnv.data;
const log = labelledLog('dev');
const supervisor = createSupervisor({ cwd: root, name: 'dev', untilStopped: true });

try {
  const databaseUrl =
    env.DATABASE_URL ??
    (await startDatabaseService(supervisor, {
      dataDir: path.join(root, '.data/postgres'),
      port: env.DEV_DB_PORT,
      database: 'signup',
    }));
  const mail =
    env.SMTP_URL === undefined
      ? await startMailService(supervisor, {
          smtpPort: env.DEV_SMTP_PORT,
          webPort: env.DEV_INBOX_PORT,
          mailDirectory: path.join(root, '.data/mail'),
        })
      : { smtpUrl: env.SMTP_URL, inboxUrl: undefined };
  const appUrl = `http://localhost:${env.PORT}`;
  const childEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SMTP_URL: mail.smtpUrl,
    APP_URL: appUrl,
    NEXT_TELEMETRY_DISABLED: '1',
  };

  await supervisor.run('migrate', process.execPath, ['node_modules/.bin/prisma', 'migrate', 'deploy'], {
    env: childEnv,
  });
  supervisor.start(
    'web',
    process.execPath,
    ['node_modules/.bin/next', 'dev', '--hostname', '127.0.0.1', '--port', String(env.PORT)],
    { env: childEnv },
  );
  supervisor.start('worker', process.execPath, workerSourceArgs(root), { env: childEnv });

  log(`Sign up at ${appUrl}/signup`);
  log(mail.inboxUrl ? `Mail arrives at ${mail.inboxUrl}` : 'Mail goes to SMTP_URL (no local inbox).');
  log('Ctrl-C stops everything.');
} catch (error) {
  // Once stopping, whatever failed was stopped on purpose, and the reason is already logged.
  if (!supervisor.stopping) log(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  await supervisor.stop(1);
}
