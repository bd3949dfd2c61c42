'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { signIn as signInUser } from '../../lib/accounts/sign-in.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { clientIpFrom } from '../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../lib/services.server.ts';
import { safeReturnPath, setSessionCookie } from '../session.server.ts';

const logger = createLogger('web');

export type SignInState = {
  errors?: { email?: string[]; password?: string[] };
  message?: string;
  /** The address is not confirmed yet: the form offers to resend the link to it. */
  unconfirmedEmail?: string;
  // Echoed back because React resets the form after an action; the password never is.
  values?: { email: string };
};

export async function signIn(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const fields = Object.fromEntries(formData);
  const values = { email: typeof fields.email === 'string' ? fields.email : '' };
  const requestHeaders = await headers();
  try {
    const services = await getServices();
    const result = await signInUser(
      { db: services.db, limits: services.limits, sessions: services.config.sessions },
      {
        fields,
        clientIp: clientIpFrom(requestHeaders, services.config.clientIp),
        userAgent: requestHeaders.get('user-agent'),
      },
    );
    switch (result.status) {
      case 'invalid':
        return { errors: result.errors, values };
      case 'wrong-credentials':
        return { message: 'That email and password do not match an account.', values };
      case 'rate-limited':
        return {
          message: `Too many sign-in attempts. Please try again in ${waitInWords(result.retryAfterSeconds)}.`,
          values,
        };
      case 'unconfirmed':
        return {
          message: 'Your address is not confirmed yet. Open the link we emailed you, or ask for a new one.',
          unconfirmedEmail: result.email,
          values,
        };
      case 'success':
        await setSessionCookie(result.token, result.expiresAt);
    }
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(requestHeaders) }, 'sign-in failed');
    return { message: 'We could not sign you in just now. Please try again in a moment.', values };
  }
  redirect(safeReturnPath(fields.next));
}
