'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { requestConfirmationEmail } from '../../lib/accounts/request-confirmation-email.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { clientIpFrom } from '../../lib/rate-limit/client-ip.ts';
import { resendCooldownSeconds } from '../../lib/rate-limit/rate-limits.server.ts';
import { waitInWords } from '../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../lib/services.server.ts';
import { emailSchema } from '../../lib/accounts/signup-fields.ts';
import { readSignupDelivery } from '../signup/check-inbox/delivery-status.server.ts';

const logger = createLogger('web');

export type ResendState = {
  errors?: { email?: string[] };
  message?: string;
  sent?: boolean;
  /** Seconds until another request can succeed, for the visible cooldown. */
  waitSeconds?: number;
  values?: { email: string };
};

const resendSchema = z.object({ email: emailSchema });

/** The resend page: the address is typed in. */
export async function resendConfirmation(_previous: ResendState, formData: FormData): Promise<ResendState> {
  const parsed = resendSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const email = formData.get('email');
    return {
      errors: z.flattenError(parsed.error).fieldErrors,
      values: { email: typeof email === 'string' ? email : '' },
    };
  }
  return { ...(await resendTo(parsed.data.email)), values: parsed.data };
}

/** The "check your inbox" page: the address is the one just signed up with, found by its delivery cookie. */
export async function resendToSignupAddress(): Promise<ResendState> {
  const { email } = await readSignupDelivery();
  if (!email) return { message: 'We no longer know which address you signed up with.' };
  return resendTo(email);
}

async function resendTo(email: string): Promise<ResendState> {
  try {
    const services = await getServices();
    const verdict = await requestConfirmationEmail(
      services,
      email,
      clientIpFrom(await headers(), services.config.clientIp),
    );
    if (!verdict.allowed) {
      return {
        message: `A new link was asked for a moment ago. You can ask for another in ${waitInWords(verdict.retryAfterSeconds)}.`,
        waitSeconds: verdict.retryAfterSeconds,
      };
    }
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(await headers()) }, 'resend failed');
    return { message: 'We could not send a new link just now. Please try again in a moment.' };
  }
  return { sent: true, waitSeconds: resendCooldownSeconds };
}
