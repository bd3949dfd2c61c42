import 'server-only';
import { z } from 'zod';
import type { Outbox } from '../email/outbox.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { parseSignup } from './parse-signup.server.ts';
import { registerUser } from './register-user.server.ts';
import type { SignupInput } from './signup-schema.ts';

export type SignUpRequest = {
  /** The submitted fields, untrusted: a form's entries or a JSON body. */
  fields: unknown;
  clientIp: string;
  /** The request's idempotency key, already checked by the door it came through. */
  requestKey?: string;
};

export type SignUpResult =
  | { status: 'success'; deliveryId: string }
  | { status: 'rate-limited'; retryAfterSeconds: number }
  | { status: 'invalid'; errors: { [field in keyof SignupInput]?: string[] } };

/**
 * A sign-up, all of its policy in one place for every door (the form, the JSON route): the
 * per-client and global limits, the field checks, the hash, and the user saved with their email.
 * The answer is the same for a new address and one that has an account (see registerUser).
 */
export async function signUp(
  services: { limits: Pick<RateLimits, 'signupAttempt' | 'emailTo'>; outbox: Outbox },
  { fields, clientIp, requestKey }: SignUpRequest,
): Promise<SignUpResult> {
  // Every attempt counts, valid or not, before any costly work: the strength check and the hash.
  const verdict = await services.limits.signupAttempt(clientIp);
  if (!verdict.allowed) return { status: 'rate-limited', retryAfterSeconds: verdict.retryAfterSeconds };
  const parsed = await parseSignup(fields);
  if (!parsed.success) return { status: 'invalid', errors: z.flattenError(parsed.error).fieldErrors };
  const { deliveryId } = await registerUser(services, parsed.data, { requestKey, passwordHash: parsed.passwordHash });
  return { status: 'success', deliveryId };
}
