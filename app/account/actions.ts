'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { changePassword as changeUserPassword } from '../../lib/accounts/change-password.server.ts';
import { requestEmailChange } from '../../lib/accounts/change-email.server.ts';
import { deleteAccount as deleteUserAccount } from '../../lib/accounts/delete-account.server.ts';
import { endOtherSessions, endSession, type SignedIn } from '../../lib/accounts/sessions.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { clientIpFrom } from '../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../lib/rate-limit/wait-in-words.ts';
import { getServices, type WebServices } from '../../lib/services.server.ts';
import { clearSessionCookie, currentSession } from '../session.server.ts';

const logger = createLogger('web');

/** Signs this browser out. */
export async function signOut(): Promise<void> {
  const session = await currentSession();
  if (session) {
    const { db } = await getServices();
    await endSession(db, session.user.id, session.sessionId);
  }
  await clearSessionCookie();
  redirect('/sign-in');
}

const sessionIdSchema = z.object({ sessionId: z.uuid() });

/** Signs one of the user's other sessions out (another device, or a stolen cookie). */
export async function signOutSession(formData: FormData): Promise<void> {
  const session = await currentSession();
  if (!session) redirect('/sign-in?next=/account');
  const parsed = sessionIdSchema.safeParse(Object.fromEntries(formData));
  if (parsed.success) {
    const { db } = await getServices();
    // Only the user's own: an id of someone else's session matches nothing.
    await endSession(db, session.user.id, parsed.data.sessionId);
  }
  redirect('/account');
}

export async function signOutEverywhereElse(): Promise<void> {
  const session = await currentSession();
  if (!session) redirect('/sign-in?next=/account');
  const { db } = await getServices();
  await endOtherSessions(db, session.user.id, session.sessionId);
  redirect('/account');
}

export type AccountFormState = {
  errors?: Record<string, string[] | undefined>;
  message?: string;
  /** What was done, said where the form was. */
  done?: string;
  values?: Record<string, string>;
};

const failed = 'We could not save that just now. Please try again in a moment.';

/** A signed-in form's common steps: the session, the client's address, and the failure it cannot help. */
async function withSession(
  what: string,
  work: (context: { session: SignedIn; clientIp: string; services: WebServices }) => Promise<AccountFormState>,
): Promise<AccountFormState> {
  const session = await currentSession();
  if (!session) redirect('/sign-in?next=/account');
  const requestHeaders = await headers();
  try {
    const services = await getServices();
    return await work({ session, clientIp: clientIpFrom(requestHeaders, services.config.clientIp), services });
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(requestHeaders) }, `${what} failed`);
    return { message: failed };
  }
}

const tooManyAttempts = (seconds: number) => `Too many attempts. Please try again in ${waitInWords(seconds)}.`;

export async function changePassword(_previous: AccountFormState, formData: FormData): Promise<AccountFormState> {
  return withSession('password change', async ({ session, clientIp, services }) => {
    const result = await changeUserPassword(services, {
      userId: session.user.id,
      sessionId: session.sessionId,
      clientIp,
      fields: { currentPassword: formData.get('currentPassword'), newPassword: formData.get('newPassword') },
    });
    if (result.status === 'rate-limited') return { message: tooManyAttempts(result.retryAfterSeconds) };
    if (result.status === 'invalid') return { errors: result.errors };
    return { done: 'Your password is changed. Every other device was signed out.' };
  });
}

export async function changeEmail(_previous: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const newEmail = formData.get('newEmail');
  const values = { newEmail: typeof newEmail === 'string' ? newEmail : '' };
  return withSession('email change', async ({ session, clientIp, services }) => {
    const result = await requestEmailChange(services, {
      userId: session.user.id,
      clientIp,
      fields: { newEmail, currentPassword: formData.get('currentPassword') },
    });
    if (result.status === 'rate-limited') return { message: tooManyAttempts(result.retryAfterSeconds), values };
    if (result.status === 'invalid') return { errors: result.errors, values };
    return {
      done:
        `We sent a link to ${result.newEmail}: your address changes when you open it. ` +
        `${session.user.email} got a notice with a link that cancels the change.`,
    };
  });
}

export async function deleteAccount(_previous: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const result = await withSession('account deletion', async ({ session, clientIp, services }) => {
    const deleted = await deleteUserAccount(services, {
      userId: session.user.id,
      signedInAt: session.signedInAt,
      clientIp,
      currentPassword: formData.get('currentPassword'),
    });
    if (deleted.status === 'rate-limited') return { message: tooManyAttempts(deleted.retryAfterSeconds) };
    if (deleted.status === 'invalid') return { errors: deleted.errors };
    return { done: 'deleted' };
  });
  if (result.done !== 'deleted') return result;
  await clearSessionCookie();
  redirect('/account/deleted');
}
