// The mail catcher as a process of its own, run through local-services.ts: `node serve-mail-catcher.ts '<options JSON>'`.
// A process rather than in the supervisor itself so that everything maildev prints gets the [mail] label.
import { z } from 'zod';
import { startMailCatcher } from './mail-catcher.ts';
import { serveUntilStopped } from './service-process.ts';

const port = z.number().int().min(1).max(65535);
const optionsSchema = z.object({ smtpPort: port, webPort: port, mailDirectory: z.string().min(1) });
export type MailServiceOptions = z.infer<typeof optionsSchema>;

serveUntilStopped(async () => {
  const mail = await startMailCatcher(optionsSchema.parse(JSON.parse(process.argv[2] ?? 'null')));
  return { details: { smtpUrl: mail.smtpUrl, inboxUrl: mail.inboxUrl }, stop: mail.stop };
});
