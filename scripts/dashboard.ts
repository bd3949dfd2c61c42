// `npm run dashboard`: pg-boss's own dashboard (@pg-boss/dashboard) on the app's database, behind
// basic auth, to watch the queues, retry jobs and replay dead letters. Listens on 127.0.0.1 only;
// put it behind an authenticating proxy, or reach it through an SSH tunnel, to use it from elsewhere.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z.url().default('postgresql://postgres:postgres@127.0.0.1:54329/signup'),
  DASHBOARD_USER: z.string().min(1, 'DASHBOARD_USER is required: the dashboard can replay and delete jobs'),
  DASHBOARD_PASSWORD: z.string().min(12, 'DASHBOARD_PASSWORD must be at least 12 characters'),
  DASHBOARD_PORT: z.coerce.number().int().min(1).max(65535).default(3010),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`Invalid dashboard configuration:\n${z.prettifyError(parsed.error)}`);
  process.exit(1);
}
const env = parsed.data;

const packageJson = createRequire(import.meta.url).resolve('@pg-boss/dashboard/package.json');
const server = path.join(path.dirname(packageJson), 'build/server.js');
console.log(`pg-boss dashboard on http://127.0.0.1:${env.DASHBOARD_PORT}`);
const child = spawn(process.execPath, [server], {
  stdio: 'inherit',
  env: {
    ...process.env,
    DATABASE_URL: env.DATABASE_URL,
    PGBOSS_DASHBOARD_AUTH_USERNAME: env.DASHBOARD_USER,
    PGBOSS_DASHBOARD_AUTH_PASSWORD: env.DASHBOARD_PASSWORD,
    PORT: String(env.DASHBOARD_PORT),
    HOST: '127.0.0.1',
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
