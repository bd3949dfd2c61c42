import 'server-only';
import { randomUUID } from 'node:crypto';
import type { EmailKind } from '../email/email-kinds.ts';
import type { Outbox } from '../email/outbox.server.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { hashPassword } from './password.server.ts';
import type { SignupInput } from './signup-schema.ts';

export type RegisterOptions = {
  /** The request's idempotency key: a double submit or a client's retry changes nothing and answers like the first. */
  requestKey?: string;
  /** The hash of the password, when the caller has started it already (see parseSignup). */
  passwordHash?: Promise<string>;
};

type SaveOptions = Pick<RegisterOptions, 'requestKey'> & {
  /** False once the owner of an existing address has had their hourly share of emails. */
  mayTellOwner?: boolean;
};

/**
 * Saves the user and enqueues their email in one statement: either both exist or neither.
 * The answer is the same for a new address and one that already has an account, so the sign-up
 * form cannot be used to find out who is registered; the owner of an existing address is told by
 * email instead, at most a few times an hour so that sign-ups cannot be used to flood them. The
 * password is hashed and the address's email allowance counted in both cases, so the two take the
 * same time. Returns the id of the email's delivery record.
 */
export async function registerUser(
  { outbox, limits }: { outbox: Outbox; limits: Pick<RateLimits, 'emailTo'> },
  input: SignupInput,
  { requestKey, passwordHash = hashPassword(input.password) }: RegisterOptions = {},
): Promise<{ deliveryId: string }> {
  const [hash, emailAllowance] = await Promise.all([passwordHash, limits.emailTo(input.email)]);
  return saveUserAndQueueEmail({ outbox }, input, hash, { requestKey, mayTellOwner: emailAllowance.allowed });
}

/**
 * The sign-up's one statement, apart from the hash (the benchmark times the two separately):
 * inserts the user unless the address has an account, and records and queues the email the
 * address's owner is due, all or nothing. The same statement either way, so that a new and a
 * registered address cost the database the same: on a conflict the no-op update returns the
 * existing row's id (the id generated here is then unused).
 */
export async function saveUserAndQueueEmail(
  { outbox }: { outbox: Outbox },
  input: SignupInput,
  passwordHash: string,
  { requestKey, mayTellOwner = true }: SaveOptions = {},
): Promise<{ deliveryId: string }> {
  const newId = randomUUID();
  const newUsersEmail: EmailKind = 'confirm';
  const ownersEmail: EmailKind = 'already_registered';
  const { deliveryId } = await outbox.writeWithEmail(
    Prisma.sql`
      saved AS (
        INSERT INTO users (id, email, password_hash, name)
        VALUES (${newId}::uuid, ${input.email}, ${passwordHash}, ${input.name ?? null})
        ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
        RETURNING id
      ),
      email_request AS (
        SELECT id AS user_id, NULL::text AS recipient,
               CASE WHEN id = ${newId}::uuid THEN ${newUsersEmail} ELSE ${ownersEmail} END AS kind,
               id <> ${newId}::uuid AND NOT ${mayTellOwner}::boolean AS withhold
          FROM saved
      )`,
    { requestKey },
  );
  return { deliveryId };
}
