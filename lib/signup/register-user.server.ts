import 'server-only';
import type { Transaction } from '../database.server.ts';
import type { Services } from '../services.server.ts';
import { enqueueConfirmationEmail } from '../queue/enqueue-confirmation-email.server.ts';
import { hashPassword } from './password.server.ts';
import type { SignupInput } from './signup-schema.ts';

/**
 * Saves the user and enqueues their email in one transaction: either both exist or neither.
 * The answer is the same for a new address and one that already has an account, so the sign-up
 * form cannot be used to find out who is registered; the owner of an existing address is told by
 * email instead. The password is hashed in both cases, so the two take the same time.
 * A request sent again with the same `requestKey` (a double submit, a client's retry) changes
 * nothing and answers like the first. Returns the id of the email's delivery record.
 */
export async function registerUser(
  { db, boss }: Services,
  input: SignupInput,
  { requestKey }: { requestKey?: string } = {},
): Promise<{ deliveryId: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(
    async (tx) => {
      const [created] = await tx.user.createManyAndReturn({
        data: { email: input.email, passwordHash, name: input.name ?? null },
        skipDuplicates: true,
        select: { id: true },
      });
      return enqueueConfirmationEmail(
        tx,
        boss,
        created
          ? { userId: created.id, kind: 'confirm', requestKey }
          : { userId: await idOfUser(tx, input.email), kind: 'already_registered', requestKey },
      );
    },
    // Prisma's default 2 s wait for a connection is short for a busy web process (argon2 hashing
    // keeps its cores busy); past these the sign-up fails with "try again in a moment".
    { maxWait: 10_000, timeout: 15_000 },
  );
}

async function idOfUser(tx: Transaction, email: string): Promise<string> {
  const user = await tx.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return user.id;
}
