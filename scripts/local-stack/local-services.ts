// The database and the mail catcher as supervised services, for `npm run dev` and the end-to-end suite.
import path from 'node:path';
import { z } from 'zod';
import type { DatabaseServiceOptions } from './serve-embedded-database.ts';
import type { MailServiceOptions } from './serve-mail-catcher.ts';
import type { Supervisor } from './supervisor.ts';

/** Starts the embedded PostgreSQL and resolves with the URL of `options.database` on it. */
export async function startDatabaseService(supervisor: Supervisor, options: DatabaseServiceOptions): Promise<string> {
  const details = await supervisor.startService(
    'db',
    path.join(import.meta.dirname, 'serve-embedded-database.ts'),
    options,
  );
  return z.object({ databaseUrl: z.string() }).parse(details).databaseUrl;
}

export async function startMailService(
  supervisor: Supervisor,
  options: MailServiceOptions,
): Promise<{ smtpUrl: string; inboxUrl: string }> {
  const details = await supervisor.startService(
    'mail',
    path.join(import.meta.dirname, 'serve-mail-catcher.ts'),
    options,
  );
  return z.object({ smtpUrl: z.string(), inboxUrl: z.string() }).parse(details);
}
