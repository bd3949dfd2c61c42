// Fixed ports, apart from the development defaults, so the suite can run beside `npm run dev`.
// Playwright evaluates its config in every worker process, so they cannot be picked at random.
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const dbPort = Number(process.env.E2E_DB_PORT ?? 54339);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 1125);
const inboxPort = Number(process.env.E2E_INBOX_PORT ?? 1180);

export const e2eStack = {
  appPort,
  appUrl: `http://127.0.0.1:${appPort}`,
  dbPort,
  databaseUrl: process.env.DATABASE_URL ?? `postgresql://postgres:postgres@127.0.0.1:${dbPort}/signup`,
  smtpPort,
  inboxPort,
  inboxUrl: `http://127.0.0.1:${inboxPort}`,
};
