import 'server-only';
import { z } from 'zod';
import type { Database } from '../db/database.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { enteredPasswordSchema } from './current-password.server.ts';
import { verifyPassword } from './password.server.ts';
import { createSession, type SessionSettings } from './sessions.server.ts';
import { emailSchema } from './signup-fields.ts';

const signInSchema = z.object({ email: emailSchema, password: enteredPasswordSchema });

export type SignInRequest = { fields: unknown; clientIp: string; userAgent: string | null };

export type SignInResult =
  | { status: 'success'; token: string; expiresAt: Date }
  | { status: 'invalid'; errors: { email?: string[]; password?: string[] } }
  /** A wrong address and a wrong password alike. */
  | { status: 'wrong-credentials' }
  /** Said only after the correct password: the address is not confirmed yet. */
  | { status: 'unconfirmed'; email: string }
  | { status: 'rate-limited'; retryAfterSeconds: number };

/**
 * A sign-in: the throttles, the password checked against the account's hash (or a dummy's, for an
 * address without an account, so the two take the same time), and a new session.
 */
export async function signIn(
  { db, limits, sessions }: { db: Database; limits: Pick<RateLimits, 'signInAttempt'>; sessions: SessionSettings },
  { fields, clientIp, userAgent }: SignInRequest,
): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(fields);
  if (!parsed.success) return { status: 'invalid', errors: z.flattenError(parsed.error).fieldErrors };
  const { email, password } = parsed.data;
  const verdict = await limits.signInAttempt(clientIp, email);
  if (!verdict.allowed) return { status: 'rate-limited', retryAfterSeconds: verdict.retryAfterSeconds };

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, confirmedAt: true },
  });
  if (!(await verifyPassword(user?.passwordHash, password)) || !user) return { status: 'wrong-credentials' };
  if (!user.confirmedAt) return { status: 'unconfirmed', email };
  return { status: 'success', ...(await createSession(db, user.id, userAgent, sessions)) };
}
