import 'server-only';
import { enqueueConfirmationEmail } from '../queue/enqueue-confirmation-email.server.ts';
import type { RateLimits, RateLimitVerdict } from '../rate-limit/rate-limits.server.ts';
import type { Services } from '../services.server.ts';

/**
 * Queues a fresh confirmation email for an unconfirmed account, within the limits: per client, a
 * cooldown per address, and the address's hourly email allowance. The answer says nothing about
 * whether the address has an account: the limits count every request alike, and an unknown or
 * confirmed address is answered as if the email had been queued.
 */
export async function requestConfirmationEmail(
  { db, boss, limits }: Services & { limits: Pick<RateLimits, 'resendAttempt' | 'emailTo'> },
  email: string,
  clientIp: string,
): Promise<RateLimitVerdict> {
  const attempt = await limits.resendAttempt(clientIp, email);
  if (!attempt.allowed) return attempt;
  const allowance = await limits.emailTo(email);
  if (!allowance.allowed) return allowance;

  const user = await db.user.findUnique({ where: { email }, select: { id: true, confirmedAt: true } });
  if (user && !user.confirmedAt) {
    const { id: userId } = user;
    await db.$transaction((tx) => enqueueConfirmationEmail(tx, boss, { userId, kind: 'confirm' }));
  }
  return { allowed: true };
}
