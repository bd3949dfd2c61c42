'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { confirmEmail, type TokenStatus } from '../../lib/accounts/confirm-email.server.ts';
import { createLogger } from '../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../lib/logging/request-id.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { linkTokenSchema } from '../link-token-schema.ts';
import { confirmedEmailCookie } from './confirmed-email-cookie.ts';

const logger = createLogger('web');

export type ConfirmState = { status?: Exclude<TokenStatus, 'valid'>; message?: string };

const confirmSchema = z.object({ token: linkTokenSchema });

export async function confirm(_previous: ConfirmState, formData: FormData): Promise<ConfirmState> {
  const parsed = confirmSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'invalid' };

  let result: Awaited<ReturnType<typeof confirmEmail>>;
  try {
    const { db } = await getServices();
    result = await confirmEmail(db, parsed.data.token);
  } catch (error) {
    logger.error({ err: error, requestId: requestIdOf(await headers()) }, 'confirmation failed');
    return { message: 'We could not confirm your address just now. Please try again in a moment.' };
  }
  if (result.status !== 'confirmed') return { status: result.status };
  (await cookies()).set(confirmedEmailCookie.name, result.email, confirmedEmailCookie.options);
  redirect('/confirm/done');
}
