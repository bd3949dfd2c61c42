import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { checkPasswordResetToken } from '../../lib/accounts/password-reset.server.ts';
import { passwordMinLength } from '../../lib/accounts/password-rules.ts';
import { getServices } from '../../lib/services.server.ts';
import { LinkProblem } from '../link-problem.tsx';
import { linkTokenSchema } from '../link-token-schema.ts';
import { resetLinkMessages, resetNextStep } from './link-messages.ts';
import { ResetPasswordForm } from './reset-password-form.tsx';
import { resetTokenCookie } from './reset-token-cookie.ts';

export const metadata: Metadata = { title: 'Choose a new password' };

/**
 * The emailed link (/reset-password?token=…) reaches proxy.ts first, which keeps the token in a
 * cookie and sends the browser here without it. Showing the form uses nothing up (mail scanners
 * fetch links); the form's POST does.
 */
export default async function ResetPasswordPage() {
  const token = linkTokenSchema.safeParse((await cookies()).get(resetTokenCookie.name)?.value);
  const { db } = await getServices();
  const status = token.success ? await checkPasswordResetToken(db, token.data) : 'invalid';
  if (status !== 'valid') return <LinkProblem status={status} messages={resetLinkMessages} next={resetNextStep} />;
  return <ResetPasswordForm passwordMinLength={passwordMinLength} />;
}
