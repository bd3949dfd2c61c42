'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { signUp as signUpUser } from '../../lib/accounts/sign-up.server.ts';
import { requestKeySchema } from '../../lib/accounts/request-key.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { clientIpFrom } from '../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../lib/services.server.ts';
import { signupDeliveryCookie } from './signup-delivery-cookie.ts';

const logger = createLogger('web');

export type SignupState = {
  errors?: { email?: string[]; password?: string[]; name?: string[] };
  message?: string;
  // Echoed back because React resets the form after an action; the password never is.
  values?: { email: string; name: string };
};

export async function signUp(_previous: SignupState, formData: FormData): Promise<SignupState> {
  const fields = Object.fromEntries(formData);
  const values = { email: textOf(fields.email), name: textOf(fields.name) };

  let deliveryId: string;
  try {
    const services = await getServices();
    const result = await signUpUser(services, {
      fields,
      clientIp: clientIpFrom(await headers(), services.config.clientIp),
      // The form renders a valid key; one that is not is dropped rather than shown to the person as an error.
      requestKey: requestKeySchema.catch(undefined).parse(fields.requestKey),
    });
    if (result.status === 'rate-limited') {
      return {
        message: `Too many sign-up attempts from your network. Please try again in ${waitInWords(result.retryAfterSeconds)}.`,
        values,
      };
    }
    if (result.status === 'invalid') return { errors: result.errors, values };
    deliveryId = result.deliveryId;
  } catch (error) {
    // Typically the database is away (a restart, a failover): nothing was saved, and the same form
    // (same request key) can simply be sent again.
    logger.error({ err: error, requestId: requestIdOf(await headers()) }, 'sign-up failed');
    return { message: 'We could not create your account just now. Please try again in a moment.', values };
  }

  const cookieStore = await cookies();
  cookieStore.set(signupDeliveryCookie.name, deliveryId, signupDeliveryCookie.options);
  redirect('/signup/check-inbox');
}

function textOf(value: FormDataEntryValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
