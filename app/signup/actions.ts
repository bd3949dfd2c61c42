'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { clientIpFrom } from '../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../lib/services.server.ts';
import { registerUserAsConfigured } from '../../lib/signup/register-user-as-configured.server.ts';
import { signupSchema } from '../../lib/signup/signup-schema.ts';
import { signupEmailCookie } from './signup-email-cookie.ts';

export type SignupState = {
  errors?: { email?: string[]; password?: string[]; name?: string[] };
  message?: string;
  // Echoed back because React resets the form after an action; the password never is.
  values?: { email: string; name: string };
};

export async function signUp(_previous: SignupState, formData: FormData): Promise<SignupState> {
  const fields = Object.fromEntries(formData);
  const values = { email: textOf(fields.email), name: textOf(fields.name) };

  let parsed;
  try {
    const services = await getServices();
    // Every attempt counts, valid or not, before any costly work: the strength check and the hash.
    const verdict = await services.limits.signupAttempt(clientIpFrom(await headers(), services.config.clientIp));
    if (!verdict.allowed) {
      return {
        message: `Too many sign-up attempts from your network. Please try again in ${waitInWords(verdict.retryAfterSeconds)}.`,
        values,
      };
    }
    parsed = signupSchema.safeParse(fields);
    if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors, values };
    await registerUserAsConfigured(services, parsed.data);
  } catch (error) {
    console.error('sign-up failed', error);
    return { message: 'We could not create your account just now. Please try again in a moment.', values };
  }

  const cookieStore = await cookies();
  cookieStore.set(signupEmailCookie.name, parsed.data.email, signupEmailCookie.options);
  redirect('/signup/check-inbox');
}

function textOf(value: FormDataEntryValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
