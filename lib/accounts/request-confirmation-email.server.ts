import 'server-only';
import type { PgBoss } from 'pg-boss';
import { enqueue } from '../jobs/enqueue.server.ts';
import type { RateLimits, RateLimitVerdict } from '../rate-limit/rate-limits.server.ts';
import { addressRequestDelaySeconds, addressRequestJob } from './address-request-job.ts';

/**
 * Asks for a fresh confirmation email, within the limits: per client, a cooldown per address, and
 * the address's hourly email allowance. The answer says nothing about whether the address has an
 * account, and neither does its timing: the limits count every request alike, and every allowed
 * request queues the same resend job without looking the address up. The worker decides whether an
 * email is due (resendConfirmationEmail), once the answer has gone.
 */
export async function requestConfirmationEmail(
  { boss, limits }: { boss: PgBoss; limits: Pick<RateLimits, 'resendAttempt' | 'emailTo'> },
  email: string,
  clientIp: string,
): Promise<RateLimitVerdict> {
  const attempt = await limits.resendAttempt(clientIp, email);
  if (!attempt.allowed) return attempt;
  const allowance = await limits.emailTo(email);
  if (!allowance.allowed) return allowance;
  await enqueue(boss, addressRequestJob, { email, wants: 'confirmation' }, { startAfter: addressRequestDelaySeconds });
  return { allowed: true };
}
