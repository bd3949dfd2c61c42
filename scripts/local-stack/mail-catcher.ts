import { MailDev } from 'maildev';
import { assertPortFree } from './ports.ts';

export type MailCatcherOptions = {
  smtpPort: number;
  webPort: number;
  /** Where received mail is kept, and restored from on the next start. */
  mailDirectory: string;
};

export type MailCatcher = {
  smtpUrl: string;
  /** The web inbox; its REST API lists mail at `${inboxUrl}/api/email`. */
  inboxUrl: string;
  stop(): Promise<void>;
};

/** maildev on 127.0.0.1: an SMTP server that keeps every mail instead of delivering it. */
export async function startMailCatcher({ smtpPort, webPort, mailDirectory }: MailCatcherOptions): Promise<MailCatcher> {
  await assertPortFree(smtpPort, 'mail catcher (SMTP)');
  await assertPortFree(webPort, 'mail catcher (inbox)');
  // In-process rather than maildev's CLI: start() resolves once both servers listen, and stop() is a promise.
  const maildev = new MailDev({ smtp: smtpPort, ip: '127.0.0.1', web: webPort, webIp: '127.0.0.1', mailDirectory });
  await maildev.start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    inboxUrl: `http://127.0.0.1:${webPort}`,
    stop: () => maildev.stop(),
  };
}
