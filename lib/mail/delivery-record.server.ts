import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database, Transaction } from '../database.server.ts';
import type { EmailDeliveryStatus } from '../generated/prisma/enums.ts';

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

/**
 * Claims the delivery for one send attempt: undefined when it was sent already or another worker
 * holds it right now.
 */
export async function claimForSending(
  db: Database,
  deliveryId: string,
  now = new Date(),
): Promise<SendClaim | undefined> {
  let heldUntil = new Date(now.getTime() + sendClaimLeaseMs);
  const [claimed] = await db.emailDelivery.updateManyAndReturn({
    where: { id: deliveryId, sentAt: null, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
    data: { status: 'sending', attempts: { increment: 1 }, claimedUntil: heldUntil },
    select: { attempts: true },
  });
  if (!claimed) return undefined;
  const { attempts: attempt } = claimed;
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
  return { attempt, heldUntil: () => heldUntil, release: () => clearInterval(renewal) };
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
      await db.emailDelivery.update({
        where: { id: deliveryId },
        data: {
          status: 'sent',
          messageId: sent.messageId,
          sentAt: sent.at,
          sentAttempt: claim.attempt,
          lastError: null,
        },
      });
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
