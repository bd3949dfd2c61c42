import 'server-only';
import { z } from 'zod';
import type { Database } from '../db/database.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { passwordMaxLength } from './password-rules.ts';
import { verifyPassword } from './password.server.ts';

/**
 * A password as someone types it to prove who they are: only the form's shape, never how it falls
 * short of the rules; normalised as sign-up stores it, so the same password typed on another
 * keyboard is the same password.
 */
export const enteredPasswordSchema = z
  .string({ message: 'Enter your password.' })
  .min(1, 'Enter your password.')
  .transform((password) => password.normalize('NFKC'))
  .refine((password) => [...password].length <= passwordMaxLength, 'Enter your password.');

export type CurrentPasswordCheck =
  | { status: 'correct'; user: { id: string; email: string; name: string | null } }
  | { status: 'wrong'; message: string }
  | { status: 'rate-limited'; retryAfterSeconds: number };

/**
 * The signed-in user's current password, asked before a change that a stolen session must not be
 * able to make. Throttled as sign-in is (per client, per account and client): a session is not a
 * licence to guess the password.
 */
export async function checkCurrentPassword(
  { db, limits }: { db: Database; limits: Pick<RateLimits, 'signInAttempt'> },
  { userId, password, clientIp }: { userId: string; password: unknown; clientIp: string },
): Promise<CurrentPasswordCheck> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  if (!user) return { status: 'wrong', message: 'Your account no longer exists.' };
  const parsed = enteredPasswordSchema.safeParse(password);
  if (!parsed.success) return { status: 'wrong', message: 'Enter your current password.' };
  const verdict = await limits.signInAttempt(clientIp, user.email);
  if (!verdict.allowed) return { status: 'rate-limited', retryAfterSeconds: verdict.retryAfterSeconds };
  if (!(await verifyPassword(user.passwordHash, parsed.data))) {
    return { status: 'wrong', message: 'That is not your current password.' };
  }
  return { status: 'correct', user: { id: user.id, email: user.email, name: user.name } };
}
