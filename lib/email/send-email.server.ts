import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { SendRate } from '../rate-limit/send-rate.server.ts';
import type { TokenLifetimes } from '../tokens/tokens.server.ts';
import { claimForSending, markFailedAttempt, whyNotClaimed, type NotClaimed } from './delivery-record.server.ts';
import { emailKinds, type EmailKind } from './email-kinds.ts';
import type { Mailer } from './mailer.server.ts';
import type { SendRecorder } from './send-recorder.server.ts';
import { classifySmtpFailure } from './smtp-failure.ts';

export type MailDeps = {
  db: Database;
  mailer: Mailer;
  recorder: SendRecorder;
  appUrl: string;
  mailFrom: string;
  /** The global send rate across every worker, when one is set. */
  sendRate?: SendRate;
  /** How long the links of the kinds that carry one work, where the configuration says. */
  tokenLifetimes?: TokenLifetimes;
};

export type DeliveryAttempt = {
  deliveryId: string;
  kind: EmailKind;
  /** No retry follows this attempt: a transient failure now fails the delivery. */
  lastAttempt: boolean;
};

export type SendResult =
  | NotClaimed
  | { status: 'sent'; messageId: string; attempt: number }
  /** `permanent`: the server refused this message for good; otherwise it pushed back, for now. */
  | { status: 'failed'; retry: boolean; permanent: boolean; reason: string };

/**
 * Sends the email a delivery record asks for, at most once: the one send path of every kind. A
 * record that says the SMTP server already accepted it (a job run again after its worker died)
 * sends nothing, and neither does a job another worker took over while the first still sends (the
 * record is claimed for the send). The recipient is read again here, not trusted from the job: by
 * the time a queued job runs the account may be confirmed or gone. The link's token comes with the
 * claim (see claimForSending). SMTP failures are answers (retry or not); database failures throw.
 */
export async function sendEmail(
  { db, mailer, recorder, appUrl, mailFrom, sendRate, tokenLifetimes }: MailDeps,
  { deliveryId, kind, lastAttempt }: DeliveryAttempt,
  now = new Date(),
): Promise<SendResult> {
  const claim = await claimForSending(db, deliveryId, kind, now, tokenLifetimes);
  if (!claim) return whyNotClaimed(db, deliveryId, kind);
  const { recipient, token } = claim;
  try {
    const tokenPath = emailKinds[kind].token?.path;
    const email = emailKinds[kind].render({
      name: recipient.name,
      appUrl,
      ...(token && tokenPath
        ? { link: { url: `${appUrl}${tokenPath}?token=${token.token}`, expiresAt: token.expiresAt } }
        : {}),
    });
    await sendRate?.take();
    let messageId: string;
    try {
      ({ messageId } = await mailer.sendMail({ from: mailFrom, to: recipient.email, ...email }));
    } catch (error) {
      const { permanent, reason } = classifySmtpFailure(error);
      const retry = !permanent && !lastAttempt;
      await markFailedAttempt(db, deliveryId, { retry, reason });
      return { status: 'failed', retry, permanent, reason };
    }
    await recorder.recordSent(deliveryId, { messageId, at: new Date() }, claim);
    return { status: 'sent', messageId, attempt: claim.attempt };
  } finally {
    claim.release();
  }
}
