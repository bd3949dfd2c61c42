import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { checkCurrentPassword } from './current-password.server.ts';
import { hashPassword } from './password.server.ts';
import { checkNewPassword } from './signup-schema.ts';

export type ChangePasswordResult =
  | { status: 'changed' }
  | { status: 'invalid'; errors: { currentPassword?: string[]; newPassword?: string[] } }
  | { status: 'rate-limited'; retryAfterSeconds: number };

/**
 * A signed-in user changes their password: the current one first, then the sign-up's rules for the
 * new one. In one transaction the hash is replaced, every other session ended (this one stays
 * signed in) and the "password changed" email queued.
 */
export async function changePassword(
  { db, outbox, limits }: { db: Database; outbox: Outbox; limits: Pick<RateLimits, 'signInAttempt'> },
  {
    userId,
    sessionId,
    clientIp,
    fields,
  }: {
    userId: string;
    sessionId: string;
    clientIp: string;
    fields: { currentPassword: unknown; newPassword: unknown };
  },
): Promise<ChangePasswordResult> {
  const current = await checkCurrentPassword({ db, limits }, { userId, password: fields.currentPassword, clientIp });
  if (current.status === 'rate-limited') return current;
  if (current.status === 'wrong') return { status: 'invalid', errors: { currentPassword: [current.message] } };
  const checked = checkNewPassword(fields.newPassword, current.user);
  if (checked.status === 'invalid') return { status: 'invalid', errors: { newPassword: checked.errors } };
  const passwordHash = await hashPassword(checked.password);

  await outbox.transaction(async (tx, queueEmail) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId, id: { not: sessionId } } });
    await queueEmail({ userId, kind: 'password_changed' });
  });
  return { status: 'changed' };
}
