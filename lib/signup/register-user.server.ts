import 'server-only';
import { fromPrisma } from 'pg-boss';
import type { Database } from '../database.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import type { Services } from '../services.server.ts';
import { confirmationEmailQueue, type ConfirmationEmailJob } from '../queue/confirmation-email-job.ts';
import { hashPassword } from './password.server.ts';
import type { SignupInput } from './signup-schema.ts';

type Transaction = Parameters<Parameters<Database['$transaction']>[0]>[0];

/**
 * Saves the user and enqueues their email in one transaction: either both exist or neither.
 * The answer is the same for a new address and one that already has an account, so the sign-up
 * form cannot be used to find out who is registered; the owner of an existing address is told by
 * email instead, at most a few times an hour so that sign-ups cannot be used to flood them. The
 * password is hashed and the address's email allowance counted in both cases, so the two take the
 * same time.
 */
export async function registerUser(
  { db, boss, limits }: Services & { limits: Pick<RateLimits, 'emailTo'> },
  input: SignupInput,
): Promise<void> {
  const [passwordHash, emailAllowance] = await Promise.all([hashPassword(input.password), limits.emailTo(input.email)]);
  await saveUserAndQueueEmail({ db, boss }, input, passwordHash, { mayTellOwner: emailAllowance.allowed });
}

/** The sign-up's database transaction, apart from the hash (the benchmark times the two separately). */
export function saveUserAndQueueEmail(
  { db, boss }: Services,
  input: SignupInput,
  passwordHash: string,
  { mayTellOwner }: { mayTellOwner: boolean } = { mayTellOwner: true },
): Promise<void> {
  return db.$transaction(async (tx) => {
    const job = await saveUser(tx, input, passwordHash);
    if (job.kind === 'already-registered' && !mayTellOwner) return;
    await boss.send(confirmationEmailQueue, job, { db: fromPrisma(tx) });
  });
}

/** Inserts the user unless the address has an account, and names the email the address's owner is due. */
export async function saveUser(
  tx: Transaction,
  input: SignupInput,
  passwordHash: string,
): Promise<ConfirmationEmailJob> {
  const [created] = await tx.user.createManyAndReturn({
    data: { email: input.email, passwordHash, name: input.name ?? null },
    skipDuplicates: true,
    select: { id: true },
  });
  return created
    ? { userId: created.id, kind: 'confirm' }
    : { userId: await idOfUser(tx, input.email), kind: 'already-registered' };
}

async function idOfUser(tx: Transaction, email: string): Promise<string> {
  const user = await tx.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return user.id;
}
