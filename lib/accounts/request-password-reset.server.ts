import 'server-only';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { enqueue } from '../jobs/enqueue.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { addressRequestDelaySeconds, addressRequestJob } from './address-request-job.ts';
import { emailSchema } from './signup-fields.ts';

export type PasswordResetRequestResult =
  | { status: 'accepted'; email: string }
  | { status: 'invalid'; errors: { email?: string[] } }
  | { status: 'rate-limited'; retryAfterSeconds: number };

/**
 * "Forgot password": within the limits (per client, a cooldown per address, the address's hourly
 * email allowance), queues the same job whether or not the address has an account, without looking
 * it up, so that the answer and its timing say nothing about it. The worker decides whether an
 * email is due (sendPasswordResetEmail).
 */
export async function requestPasswordReset(
  { boss, limits }: { boss: PgBoss; limits: Pick<RateLimits, 'passwordResetAttempt' | 'emailTo'> },
  { fields, clientIp }: { fields: unknown; clientIp: string },
): Promise<PasswordResetRequestResult> {
  const parsed = z.object({ email: emailSchema }).safeParse(fields);
  if (!parsed.success) return { status: 'invalid', errors: z.flattenError(parsed.error).fieldErrors };
  const { email } = parsed.data;
  for (const verdict of [await limits.passwordResetAttempt(clientIp, email), await limits.emailTo(email)]) {
    if (!verdict.allowed) return { status: 'rate-limited', retryAfterSeconds: verdict.retryAfterSeconds };
  }
  await enqueue(
    boss,
    addressRequestJob,
    { email, wants: 'password-reset' },
    { startAfter: addressRequestDelaySeconds },
  );
  return { status: 'accepted', email };
}
