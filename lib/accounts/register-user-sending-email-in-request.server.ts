import 'server-only';
import { sendConfirmationEmail, type SendConfirmationEmailDeps } from '../email/send-confirmation-email.server.ts';
import { recordConfirmationEmail } from '../jobs/enqueue-confirmation-email.server.ts';
import { hashPassword } from './password.server.ts';
import { saveUser, type RegisterOptions } from './register-user.server.ts';
import type { SignupInput } from './signup-schema.ts';

/**
 * BASELINE, kept only for the benchmark to measure against (SIGNUP_EMAIL_DELIVERY=in-request, never
 * the default): the design this app replaces, where the request sends the email before answering.
 * Every sign-up then waits for the SMTP server, and one that is down fails the sign-up after the
 * account was saved. The hash, the insert, the delivery record, the token and the email are the
 * deferred path's own; only the queue is left out.
 */
export async function registerUserSendingEmailInRequest(
  mail: SendConfirmationEmailDeps,
  input: SignupInput,
  { passwordHash = hashPassword(input.password) }: Pick<RegisterOptions, 'passwordHash'> = {},
): Promise<{ deliveryId: string }> {
  const hash = await passwordHash;
  const { deliveryId } = await mail.db.$transaction(async (tx) =>
    recordConfirmationEmail(tx, await saveUser(tx, input, hash)),
  );
  const result = await sendConfirmationEmail(mail, { deliveryId, lastAttempt: true });
  if (result.status === 'failed') throw new Error(`the confirmation email was not sent: ${result.reason}`);
  return { deliveryId };
}
