import 'server-only';
import type { Database } from '../db/database.server.ts';
import { renderAlreadyRegisteredEmail, renderConfirmationEmail, type RenderedEmail } from './confirmation-email.ts';
import {
  claimForSending,
  markFailedAttempt,
  markSent,
  whyNotClaimed,
  type NotClaimed,
} from './delivery-record.server.ts';
import type { Mailer } from './mailer.server.ts';
import { classifySmtpFailure } from './smtp-failure.ts';

export type SendConfirmationEmailDeps = { db: Database; mailer: Mailer; appUrl: string; mailFrom: string };

export type DeliveryAttempt = {
  deliveryId: string;
  /** No retry follows this attempt: a transient failure now fails the delivery. */
  lastAttempt: boolean;
};

export type SendResult =
  | NotClaimed
  | { status: 'sent'; messageId: string; attempt: number }
  | { status: 'failed'; retry: boolean; reason: string };

/**
 * Sends the email a delivery record asks for, at most once. A record that says the SMTP server
 * already accepted it (a job run again after its worker died) sends nothing, and neither does a job
 * another worker took over while the first still sends (the record is claimed for the send). The
 * user is read again here, not trusted from the job: by the time a queued job runs the account may
 * be confirmed or gone. The link's token comes with the claim (see claimForSending).
 * SMTP failures are answers (retry or not); database failures throw.
 */
export async function sendConfirmationEmail(
  { db, mailer, appUrl, mailFrom }: SendConfirmationEmailDeps,
  { deliveryId, lastAttempt }: DeliveryAttempt,
  now = new Date(),
): Promise<SendResult> {
  const claim = await claimForSending(db, deliveryId, now);
  if (!claim) return whyNotClaimed(db, deliveryId);
  const { kind, user, confirmation } = claim;
  try {
    const confirmUrl = confirmation ? `${appUrl}/confirm?token=${confirmation.token}` : null;
    const email: RenderedEmail =
      kind === 'confirm' && confirmation && confirmUrl
        ? renderConfirmationEmail({ name: user.name, confirmUrl, expiresAt: confirmation.expiresAt })
        : renderAlreadyRegisteredEmail({ name: user.name, confirmUrl, appUrl });

    let messageId: string;
    try {
      ({ messageId } = await mailer.sendMail({ from: mailFrom, to: user.email, ...email }));
    } catch (error) {
      const { permanent, reason } = classifySmtpFailure(error);
      const retry = !permanent && !lastAttempt;
      await markFailedAttempt(db, deliveryId, { retry, reason });
      return { status: 'failed', retry, reason };
    }
    await markSent(db, deliveryId, { messageId, at: new Date() }, claim);
    return { status: 'sent', messageId, attempt: claim.attempt };
  } finally {
    claim.release();
  }
}
