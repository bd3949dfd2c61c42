import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { checkToken, consumeToken, type TokenLinkStatus } from '../tokens/tokens.server.ts';
import { checkCurrentPassword } from './current-password.server.ts';
import { emailSchema } from './signup-fields.ts';

export type EmailChangeRequestResult =
  | { status: 'requested'; newEmail: string }
  | { status: 'invalid'; errors: { newEmail?: string[]; currentPassword?: string[] } }
  | { status: 'rate-limited'; retryAfterSeconds: number };

/**
 * A signed-in user asks to move their account to another address. Nothing changes yet: the new
 * address gets a link that makes the change, and the current one a notice with a link that cancels
 * it. An address that has an account already gets the same answer (no enumeration) and its owner a
 * notice instead of the link. The emails to the new address count against its hourly allowance.
 */
export async function requestEmailChange(
  { db, outbox, limits }: { db: Database; outbox: Outbox; limits: Pick<RateLimits, 'signInAttempt' | 'emailTo'> },
  {
    userId,
    clientIp,
    fields,
  }: { userId: string; clientIp: string; fields: { newEmail: unknown; currentPassword: unknown } },
): Promise<EmailChangeRequestResult> {
  const parsed = emailSchema.safeParse(fields.newEmail);
  if (!parsed.success) return { status: 'invalid', errors: { newEmail: parsed.error.issues.map((i) => i.message) } };
  const newEmail = parsed.data;
  const current = await checkCurrentPassword({ db, limits }, { userId, password: fields.currentPassword, clientIp });
  if (current.status === 'rate-limited') return current;
  if (current.status === 'wrong') return { status: 'invalid', errors: { currentPassword: [current.message] } };
  if (newEmail === current.user.email) {
    return { status: 'invalid', errors: { newEmail: ['That is the address your account has already.'] } };
  }

  const allowance = await limits.emailTo(newEmail);
  const owner = await db.user.findUnique({ where: { email: newEmail }, select: { id: true } });
  await outbox.transaction(async (_tx, queueEmail) => {
    const withhold = !allowance.allowed;
    if (owner) await queueEmail({ userId: owner.id, kind: 'email_taken_notice', withhold });
    else await queueEmail({ userId, recipient: newEmail, kind: 'email_change_confirm', withhold });
    // To the address as it is now, named here: should the change go through before the notice is
    // sent, the notice still reaches the address the account left.
    await queueEmail({ userId, recipient: current.user.email, kind: 'email_change_notice' });
  });
  return { status: 'requested', newEmail };
}

/** What the page of an email change link shows, without using it up (mail scanners open links). */
export function checkEmailChangeToken(
  db: Database,
  token: string,
  purpose: 'change-email' | 'cancel-email-change',
): Promise<TokenLinkStatus> {
  return checkToken(db, token, purpose);
}

export type EmailChangeResult =
  | { status: 'changed'; email: string }
  /** The address found an owner since the link was sent. */
  | { status: 'address-taken' }
  | { status: Exclude<TokenLinkStatus, 'valid'> };

/** The new address's link: the account moves to it, and it counts as confirmed (the link reached it). */
export async function confirmEmailChange(db: Database, token: string, now = new Date()): Promise<EmailChangeResult> {
  try {
    const changed = await db.$transaction(async (tx) => {
      const used = await consumeToken(tx, token, 'change-email', { now });
      if (!used?.target) return undefined;
      if (await tx.user.findUnique({ where: { email: used.target }, select: { id: true } })) return 'address-taken';
      await tx.user.update({ where: { id: used.userId }, data: { email: used.target, confirmedAt: now } });
      return used.target;
    });
    if (changed === 'address-taken') return { status: 'address-taken' };
    if (changed) return { status: 'changed', email: changed };
  } catch (error) {
    // Two accounts moving to the same free address at once: the unique index lets one through.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return { status: 'address-taken' };
    }
    throw error;
  }
  const status = await checkToken(db, token, 'change-email', now);
  return { status: status === 'valid' ? 'used' : status };
}

export type EmailChangeCancelResult =
  { status: 'cancelled'; email: string } | { status: Exclude<TokenLinkStatus, 'valid'> };

/**
 * The old address's link: the change stops, or is undone if the new address confirmed it already,
 * and every session of the account ends (whoever asked for the change may hold one). The pending
 * link to the new address stops working, and one not yet sent is never sent.
 */
export async function cancelEmailChange(
  db: Database,
  token: string,
  now = new Date(),
): Promise<EmailChangeCancelResult> {
  const cancelled = await db.$transaction(async (tx) => {
    const used = await consumeToken(tx, token, 'cancel-email-change', { now });
    if (!used?.target) return undefined;
    await tx.token.deleteMany({ where: { userId: used.userId, purpose: 'change-email', usedAt: null } });
    await tx.emailDelivery.deleteMany({ where: { userId: used.userId, kind: 'email_change_confirm', sentAt: null } });
    await tx.session.deleteMany({ where: { userId: used.userId } });
    const user = await tx.user.findUniqueOrThrow({ where: { id: used.userId }, select: { email: true } });
    // Undone only while nobody else has the old address; otherwise the account keeps the new one.
    if (user.email !== used.target && !(await tx.user.findUnique({ where: { email: used.target } }))) {
      await tx.user.update({ where: { id: used.userId }, data: { email: used.target } });
      return used.target;
    }
    return user.email;
  });
  if (cancelled) return { status: 'cancelled', email: cancelled };
  const status = await checkToken(db, token, 'cancel-email-change', now);
  return { status: status === 'valid' ? 'used' : status };
}
