'use server';

import { z } from 'zod';
import { requestConfirmationEmail } from '../../lib/confirmation/request-confirmation-email.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { emailSchema } from '../../lib/signup/signup-schema.ts';

export type ResendState = {
  errors?: { email?: string[] };
  message?: string;
  sent?: boolean;
  values?: { email: string };
};

const resendSchema = z.object({ email: emailSchema });

export async function resendConfirmation(_previous: ResendState, formData: FormData): Promise<ResendState> {
  const parsed = resendSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const email = formData.get('email');
    return {
      errors: z.flattenError(parsed.error).fieldErrors,
      values: { email: typeof email === 'string' ? email : '' },
    };
  }
  try {
    await requestConfirmationEmail(await getServices(), parsed.data.email);
  } catch (error) {
    console.error('resend failed', error);
    return { message: 'We could not send a new link just now. Please try again in a moment.', values: parsed.data };
  }
  return { sent: true, values: parsed.data };
}
