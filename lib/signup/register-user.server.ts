import 'server-only';
import { fromPrisma } from 'pg-boss';
import type { Database } from '../database.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import type { Services } from '../services.server.ts';
import { confirmationEmailQueue, type ConfirmationEmailJob } from '../queue/confirmation-email-job.ts';
import { hashPassword } from './password.server.ts';
import type { SignupInput } from './signup-schema.ts';

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
  await db.$transaction(async (tx) => {
    const [created] = await tx.user.createManyAndReturn({
      data: { email: input.email, passwordHash, name: input.name ?? null },
      skipDuplicates: true,
      select: { id: true },
    });
    if (!created && !emailAllowance.allowed) return;
    const job: ConfirmationEmailJob = created
      ? { userId: created.id, kind: 'confirm' }
      : { userId: await idOfUser(tx, input.email), kind: 'already-registered' };
    await boss.send(confirmationEmailQueue, job, { db: fromPrisma(tx) });
  });
}

type Transaction = Parameters<Parameters<Database['$transaction']>[0]>[0];

async function idOfUser(tx: Transaction, email: string): Promise<string> {
  const user = await tx.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return user.id;
}
