'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { cancelEmailChange, confirmEmailChange } from '../../lib/accounts/change-email.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { linkTokenSchema } from '../link-token-schema.ts';
import type { TokenActionState } from '../token-action-form.tsx';

const logger = createLogger('web');
const tokenSchema = z.object({ token: linkTokenSchema });
const failed = { message: 'We could not do that just now. Please try again in a moment.' };

export async function confirmNewEmail(_previous: TokenActionState, formData: FormData): Promise<TokenActionState> {
  const parsed = tokenSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'invalid' };
  try {
    const { db } = await getServices();
    const result = await confirmEmailChange(db, parsed.data.token);
    if (result.status === 'changed') {
      return {
        outcome: {
          title: 'Your email address is changed',
          body: `Your account now uses ${result.email}. Sign in with it from now on.`,
          next: { href: '/account', label: 'Go to your account' },
        },
      };
    }
    if (result.status === 'address-taken') {
      return {
        outcome: {
          title: 'That address has an account now',
          body: 'Another account started using this address after you asked for the change, so your address stays as it was.',
          next: { href: '/account', label: 'Go to your account' },
        },
      };
    }
    return { status: result.status };
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(await headers()) }, 'email change failed');
    return failed;
  }
}

export async function cancelChange(_previous: TokenActionState, formData: FormData): Promise<TokenActionState> {
  const parsed = tokenSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'invalid' };
  try {
    const { db } = await getServices();
    const result = await cancelEmailChange(db, parsed.data.token);
    if (result.status !== 'cancelled') return { status: result.status };
    return {
      outcome: {
        title: 'The change is cancelled',
        body: `Your account keeps ${result.email}, and every device was signed out. If you did not ask for the change, choose a new password too.`,
        next: { href: '/forgot-password', label: 'Choose a new password' },
      },
    };
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(await headers()) }, 'email change cancel failed');
    return failed;
  }
}
