import 'server-only';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  confirmationTokenLifetimeMs,
  generateConfirmationToken,
  hashConfirmationToken,
} from '../accounts/confirmation-token.server.ts';
import type { Database, Transaction } from '../db/database.server.ts';
import type { EmailDeliveryStatus, EmailKind } from '../generated/prisma/enums.ts';

/** How long a send claim lasts unless renewed, and how often its worker renews it while it sends. */
export const sendClaimLeaseMs = 20_000;
const sendClaimRenewalMs = 4_000;

/**
 * A delivery claimed for one send attempt. Its worker renews the claim while it is alive, so a slow
 * send keeps it however long it takes, and a killed worker's claim lapses within one lease, about
 * when pg-boss hands its job to another worker.
 */
export type SendClaim = {
  /** The attempt's number, counted over the delivery's whole life, replays included. */
  attempt: number;
  /** Until when, as far as this worker knows, no other worker may send this delivery. */
  heldUntil(): Date;
  /** Stops renewing; the claim then lapses by itself (a sent or failed delivery needs none). */
  release(): void;
};

/** A claimed delivery with what its email needs: whom to write, which email, and the link's token. */
export type ClaimedDelivery = SendClaim & {
  kind: EmailKind;
  user: { id: string; email: string; name: string | null; confirmedAt: Date | null };
  /**
   * For a user not yet confirmed: a new token, whose only copy goes into this email, made the only
   * one of theirs that works, so an old email found in a mailbox later (or a link leaked from it)
   * confirms nothing. Its lifetime starts now, as the email leaves.
   */
  confirmation?: { token: string; expiresAt: Date };
};

type ClaimRow = {
  attempts: number;
  kind: EmailKind;
  userId: string;
  email: string;
  name: string | null;
  confirmedAt: Date | null;
};

/**
 * Claims the delivery for one send attempt, reads its recipient and, for a user not yet confirmed,
 * replaces their unused confirmation tokens with a new one, all in one statement: the send path
 * runs for every email, and each round trip costs the worker more CPU than the SMTP send.
 * Undefined when there is nothing to send now: sent already, the user gone, a confirmation for a
 * confirmed account, or another worker's claim still holding (`whyNotClaimed` tells which).
 */
export async function claimForSending(
  db: Database,
  deliveryId: string,
  now = new Date(),
): Promise<ClaimedDelivery | undefined> {
  let heldUntil = new Date(now.getTime() + sendClaimLeaseMs);
  const token = generateConfirmationToken();
  const expiresAt = new Date(now.getTime() + confirmationTokenLifetimeMs);
  // The parts of a statement all see the tables as they were before it, so the DELETE cannot take
  // the token the INSERT adds; neither runs unless the claim does.
  const [claimed] = await db.$queryRaw<ClaimRow[]>`
    WITH claimed AS (
      UPDATE email_deliveries AS d
         SET status = 'sending', attempts = d.attempts + 1, claimed_until = ${heldUntil}, updated_at = ${now}
        FROM users AS u
       WHERE d.id = ${deliveryId}::uuid
         AND u.id = d.user_id
         AND d.sent_at IS NULL
         AND (d.claimed_until IS NULL OR d.claimed_until < ${now})
         AND NOT (d.kind = 'confirm' AND u.confirmed_at IS NOT NULL)
      RETURNING d.attempts, d.kind::text AS kind, u.id AS "userId", u.email, u.name, u.confirmed_at AS "confirmedAt"
    ), earlier_tokens AS (
      DELETE FROM confirmation_tokens AS t
       USING claimed AS c
       WHERE t.user_id = c."userId" AND t.used_at IS NULL AND c."confirmedAt" IS NULL
    ), new_token AS (
      INSERT INTO confirmation_tokens (id, user_id, token_hash, expires_at)
      SELECT ${randomUUID()}::uuid, c."userId", ${hashConfirmationToken(token)}, ${expiresAt}
        FROM claimed AS c
       WHERE c."confirmedAt" IS NULL
    )
    SELECT * FROM claimed`;
  if (!claimed) return undefined;
  const { attempts: attempt, kind, userId, email, name, confirmedAt } = claimed;
  const renewal = setInterval(() => {
    const until = new Date(Date.now() + sendClaimLeaseMs);
    // The attempt number identifies this claim, so a renewal never touches one another worker took,
    // nor one this worker has settled (sent or failed) meanwhile.
    db.emailDelivery
      .updateMany({
        where: { id: deliveryId, attempts: attempt, status: 'sending' },
        data: { claimedUntil: until },
      })
      .then(({ count }) => {
        if (count === 1) heldUntil = until;
      })
      // While the database is away the claim simply runs down; markSent stops trying when it has.
      .catch(() => {});
  }, sendClaimRenewalMs);
  return {
    attempt,
    kind,
    user: { id: userId, email, name, confirmedAt },
    ...(confirmedAt ? {} : { confirmation: { token, expiresAt } }),
    heldUntil: () => heldUntil,
    release: () => clearInterval(renewal),
  };
}

export type NotClaimed =
  | { status: 'already-sent' }
  /** Another worker is sending it right now; ask again later. */
  | { status: 'busy' }
  | { status: 'skipped'; reason: 'user-gone' | 'already-confirmed' };

/** Why `claimForSending` found nothing to send; a confirmation no longer needed is recorded as skipped. */
export async function whyNotClaimed(db: Database, deliveryId: string): Promise<NotClaimed> {
  const delivery = await db.emailDelivery.findUnique({
    where: { id: deliveryId },
    select: { kind: true, sentAt: true, user: { select: { confirmedAt: true } } },
  });
  // Records go with their user (ON DELETE CASCADE).
  if (!delivery) return { status: 'skipped', reason: 'user-gone' };
  if (delivery.sentAt) return { status: 'already-sent' };
  if (delivery.kind === 'confirm' && delivery.user.confirmedAt) {
    await markSkipped(db, deliveryId);
    return { status: 'skipped', reason: 'already-confirmed' };
  }
  return { status: 'busy' };
}

// The SMTP server has the message by now; losing this write would send it again on the job's next
// run. So ride out a database outage (a restart takes seconds) for as long as this worker's claim on
// the delivery holds: until then no other worker sends it, after it one may.
export async function markSent(
  db: Database,
  deliveryId: string,
  sent: { messageId: string; at: Date },
  claim: SendClaim,
): Promise<void> {
  for (let pauseMs = 250; ; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    try {
      // Raw, as the claim: through the query builder this one update cost the worker about as much
      // CPU as the rest of the send.
      await db.$executeRaw`
        UPDATE email_deliveries
           SET status = 'sent', message_id = ${sent.messageId}, sent_at = ${sent.at},
               sent_attempt = ${claim.attempt}, last_error = NULL, updated_at = ${sent.at}
         WHERE id = ${deliveryId}::uuid`;
      return;
    } catch (error) {
      if (Date.now() + pauseMs >= claim.heldUntil().getTime()) throw error;
      await sleep(pauseMs);
    }
  }
}

export async function markFailedAttempt(
  db: Database,
  deliveryId: string,
  { retry, reason }: { retry: boolean; reason: string },
): Promise<void> {
  await db.emailDelivery.update({
    where: { id: deliveryId },
    data: { status: retry ? 'retrying' : 'failed', lastError: reason, claimedUntil: null },
  });
}

export async function markSkipped(db: Database, deliveryId: string): Promise<void> {
  await db.emailDelivery.update({ where: { id: deliveryId }, data: { status: 'skipped' } });
}

/** Dead letters sent back to the queue by an operator wait to be sent again. */
export async function markRequeued(db: Database | Transaction, deliveryIds: string[]): Promise<void> {
  await db.emailDelivery.updateMany({
    where: { id: { in: deliveryIds }, sentAt: null },
    data: { status: 'queued' },
  });
}

/** Where a delivery stands, for the person waiting for it; undefined for an unknown id. */
export async function findDeliveryStatus(
  db: Database,
  deliveryId: string,
): Promise<{ status: EmailDeliveryStatus; email: string } | undefined> {
  const delivery = await db.emailDelivery.findUnique({
    where: { id: deliveryId },
    select: { status: true, kind: true, user: { select: { email: true } } },
  });
  if (!delivery) return undefined;
  // An owner notification withheld by the rate limit reads as sent: anything else would tell a
  // stranger signing up with that address that it has an account.
  const withheld = delivery.kind === 'already_registered' && delivery.status === 'skipped';
  return { status: withheld ? 'sent' : delivery.status, email: delivery.user.email };
}
