'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { acceptInvitation } from '../../lib/accounts/accept-invitation.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { confirmedEmailCookie } from '../confirm/confirmed-email-cookie.ts';
import type { LinkProblemStatus } from '../link-problem.tsx';
import { linkTokenSchema } from '../link-token-schema.ts';

const logger = createLogger('web');

export type InvitationState = {
  status?: LinkProblemStatus;
  errors?: { password?: string[] };
  message?: string;
};

export async function accept(_previous: InvitationState, formData: FormData): Promise<InvitationState> {
  const token = linkTokenSchema.safeParse(formData.get('token'));
  if (!token.success) return { status: 'invalid' };

  let result: Awaited<ReturnType<typeof acceptInvitation>>;
  try {
    const { db } = await getServices();
    result = await acceptInvitation(db, { token: token.data, password: formData.get('password') });
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(await headers()) }, 'invitation failed');
    return { message: 'We could not set your password just now. Please try again in a moment.' };
  }
  if (result.status === 'weak-password') return { errors: { password: result.errors } };
  if (result.status !== 'accepted') return { status: result.status };
  // The sign-in page has the address filled in, as after a confirmation.
  (await cookies()).set(confirmedEmailCookie.name, result.email, confirmedEmailCookie.options);
  redirect('/invitation/done');
}
