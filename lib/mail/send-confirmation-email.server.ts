import 'server-only';
import type { Database } from '../database.server.ts';
import { confirmationTokenLifetimeMs } from '../confirmation/confirmation-token.server.ts';
import { issueConfirmationToken } from '../confirmation/issue-confirmation-token.server.ts';
import type { ConfirmationEmailJob } from '../queue/confirmation-email-job.ts';
import { renderAlreadyRegisteredEmail, renderConfirmationEmail, type RenderedEmail } from './confirmation-email.ts';
import type { Mailer } from './mailer.server.ts';

export type SendConfirmationEmailDeps = { db: Database; mailer: Mailer; appUrl: string; mailFrom: string };

export type SendOutcome = 'sent' | 'skipped-user-gone' | 'skipped-already-confirmed';

/**
 * Sends the email a job asks for. The user is read again here, not trusted from the job: by the
 * time a queued job runs the account may be confirmed or gone. The token is created now, so its
 * 24 hours start when the email leaves, and its plaintext exists only in the message.
 * Throws when the SMTP server refuses or cannot be reached, so the queue retries the job.
 */
export async function sendConfirmationEmail(
  { db, mailer, appUrl, mailFrom }: SendConfirmationEmailDeps,
  job: ConfirmationEmailJob,
  now = new Date(),
): Promise<SendOutcome> {
  const user = await db.user.findUnique({
    where: { id: job.userId },
    select: { id: true, email: true, name: true, confirmedAt: true },
  });
  if (!user) return 'skipped-user-gone';
  if (job.kind === 'confirm' && user.confirmedAt) return 'skipped-already-confirmed';

  const expiresAt = new Date(now.getTime() + confirmationTokenLifetimeMs);
  const confirmUrl = user.confirmedAt ? null : await issueConfirmUrl(db, appUrl, user.id, expiresAt);
  const email: RenderedEmail =
    job.kind === 'confirm' && confirmUrl
      ? renderConfirmationEmail({ name: user.name, confirmUrl, expiresAt })
      : renderAlreadyRegisteredEmail({ name: user.name, confirmUrl, appUrl });

  await mailer.sendMail({ from: mailFrom, to: user.email, ...email });
  return 'sent';
}

async function issueConfirmUrl(db: Database, appUrl: string, userId: string, expiresAt: Date): Promise<string> {
  const token = await issueConfirmationToken(db, userId, expiresAt);
  return `${appUrl}/confirm?token=${token}`;
}
