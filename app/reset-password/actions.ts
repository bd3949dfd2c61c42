'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { resetPassword as resetUserPassword } from '../../lib/accounts/password-reset.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { confirmedEmailCookie } from '../confirm/confirmed-email-cookie.ts';
import type { LinkProblemStatus } from '../link-problem.tsx';
import { linkTokenSchema } from '../link-token-schema.ts';
import { resetTokenCookie } from './reset-token-cookie.ts';

const logger = createLogger('web');

export type ResetPasswordState = { errors?: { password?: string[] }; message?: string; status?: LinkProblemStatus };

export async function resetPassword(_previous: ResetPasswordState, formData: FormData): Promise<ResetPasswordState> {
  const jar = await cookies();
  const token = linkTokenSchema.safeParse(jar.get(resetTokenCookie.name)?.value);
  if (!token.success) return { status: 'invalid' };
  let result: Awaited<ReturnType<typeof resetUserPassword>>;
  try {
    result = await resetUserPassword(await getServices(), { token: token.data, password: formData.get('password') });
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(await headers()) }, 'password reset failed');
    return { message: 'We could not set your password just now. Please try again in a moment.' };
  }
  if (result.status === 'weak-password') return { errors: { password: result.errors } };
  if (result.status !== 'reset') return { status: result.status };
  jar.set(resetTokenCookie.name, '', { ...resetTokenCookie.options, maxAge: 0 });
  // The sign-in page the done page links to has the address filled in.
  jar.set(confirmedEmailCookie.name, result.email, confirmedEmailCookie.options);
  redirect('/reset-password/done');
}
