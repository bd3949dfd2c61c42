'use server';

import { headers } from 'next/headers';
import { requestPasswordReset } from '../../lib/accounts/request-password-reset.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { clientIpFrom } from '../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../lib/services.server.ts';

const logger = createLogger('web');

export type ForgotPasswordState = {
  errors?: { email?: string[] };
  message?: string;
  /** The address the link goes to, if it has an account: the answer is the same either way. */
  sentTo?: string;
  values?: { email: string };
};

export async function forgotPassword(_previous: ForgotPasswordState, formData: FormData): Promise<ForgotPasswordState> {
  const fields = Object.fromEntries(formData);
  const values = { email: typeof fields.email === 'string' ? fields.email : '' };
  const requestHeaders = await headers();
  try {
    const services = await getServices();
    const result = await requestPasswordReset(services, {
      fields,
      clientIp: clientIpFrom(requestHeaders, services.config.clientIp),
    });
    switch (result.status) {
      case 'invalid':
        return { errors: result.errors, values };
      case 'rate-limited':
        return {
          message: `A reset link was asked for a moment ago. Please try again in ${waitInWords(result.retryAfterSeconds)}.`,
          values,
        };
      case 'accepted':
        return { sentTo: result.email, values };
    }
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(requestHeaders) }, 'password reset request failed');
    return { message: 'We could not send a reset link just now. Please try again in a moment.', values };
  }
}
