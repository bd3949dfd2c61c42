import 'server-only';
import type { Database, Transaction } from '../db/database.server.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { EmailDeliveryStatus } from '../generated/prisma/enums.ts';
import { issueTokenSql, type IssuedToken, type TokenLifetimes } from '../tokens/tokens.server.ts';
import { emailKinds, isEmailKind, type EmailKind } from './email-kinds.ts';

/** How long a send claim lasts unless renewed, and how often its worker renews it while it sends. */
export const sendClaimLeaseMs = 20_000;
const sendClaimRenewalMs = 4_000;

export type EmailRequest = {
  /** The account the email is about; null for one that outlives it (the farewell email). */
  userId: string | null;
  /** Where it goes when not to the account's address. */
  recipient?: string;
  kind: EmailKind;
  /** The request's idempotency key, when it has one: the same key for the same user queues one email. */
  requestKey?: string;
};

/** What a statement that records an email (recordDeliverySql) answers. */
export type RecordedDelivery = {
  userId: string | null;
  kind: EmailKind;
  /** Null when the request key names an earlier email of the account (see earlierDelivery). */
  deliveryId: string | null;
  /** Recorded as queued: it is to be sent (not withheld from its recipient). */
  queued: boolean;
};

/**
 * A statement that records the email its CTEs ask for, in one round trip with whatever they write.
 * `about` ends in a CTE `email_request` with the email's one row (user_id uuid, recipient text,
 * kind text, withhold boolean); a withheld email is recorded as skipped, which the sign-up's status
 * page still reports as the kind says. `queueSend`, when given, adds the send's job for the row
 * recorded as queued. A request key that names an earlier email of the account records nothing.
 */
export function recordDeliverySql(
  about: Prisma.Sql,
  requestKey: string | undefined,
  queueSend?: (recorded: Prisma.Sql) => Prisma.Sql,
): Prisma.Sql {
  const send = queueSend?.(Prisma.sql`SELECT id, kind FROM recorded WHERE status = 'queued'`);
  return Prisma.sql`
    WITH ${about},
    recorded AS (
      INSERT INTO email_deliveries (id, user_id, recipient, kind, request_key, status)
      SELECT gen_random_uuid(), user_id, recipient, kind, ${requestKey ?? null},
             (CASE WHEN withhold THEN 'skipped' ELSE 'queued' END)::email_delivery_status
        FROM email_request
      ON CONFLICT DO NOTHING
      RETURNING id, kind, status
    )${send ? Prisma.sql`, send AS (${send})` : Prisma.empty}
    SELECT r.user_id AS "userId", r.kind, d.id AS "deliveryId", d.status IS NOT DISTINCT FROM 'queued' AS queued
      FROM email_request AS r LEFT JOIN recorded AS d ON true`;
}

/** The email a request key named when it was first used (only a request key can collide: the id is random). */
export async function earlierDelivery(db: Database | Transaction, userId: string | null, requestKey: string) {
  const earlier = await db.emailDelivery.findUniqueOrThrow({
    where: { userId_requestKey: { userId: userId ?? '', requestKey } },
    select: { id: true },
  });
  return earlier.id;
}

/**
 * Records emails of one kind to many accounts in one statement (a bulk import's chunk); a request key
 * that names an earlier email of its account records nothing. Returns the new records' ids.
 */
export async function recordDeliveries(
  tx: Transaction,
  kind: EmailKind,
  requests: { userId: string; requestKey: string }[],
): Promise<string[]> {
  if (requests.length === 0) return [];
  const created = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO email_deliveries (id, user_id, kind, request_key, status)
    SELECT gen_random_uuid(), r.user_id, ${kind}, r.request_key, 'queued'
      FROM unnest(${requests.map((request) => request.userId)}::uuid[],
                  ${requests.map((request) => request.requestKey)}::text[]) AS r(user_id, request_key)
    ON CONFLICT DO NOTHING
    RETURNING id`;
  return created.map((row) => row.id);
}

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

/** A claimed delivery with what its email needs: whom to write and, if its kind carries one, the link's token. */
export type ClaimedDelivery = SendClaim & {
  kind: EmailKind;
  /** Whom it goes to: the account's (or the delivery's own) address, and the account, when there is one. */
  recipient: { userId: string | null; email: string; name: string | null; confirmedAt: Date | null };
  /** The token issued for this email, its only copy; absent when the kind carries none now. */
  token?: IssuedToken;
};

type ClaimRow = {
  attempts: number;
  userId: string | null;
  email: string;
  name: string | null;
  confirmedAt: Date | null;
};

/**
 * Claims the delivery for one send attempt, reads its recipient and, if its kind carries a token,
 * issues it for the account (naming the delivery's own recipient as the token's target) (replacing the user's earlier ones of its purpose), all in one statement: the send path
 * runs for every email, and each round trip costs the worker more CPU than the SMTP send.
 * Undefined when there is nothing to send now: sent already, given up on (until an operator sends
 * it back to the queue), the user gone, a kind sent only while unconfirmed to a confirmed address,
 * or another worker's claim still holding (`whyNotClaimed` tells which).
 */
export async function claimForSending(
  db: Database,
  deliveryId: string,
  kind: EmailKind,
  now = new Date(),
  tokenLifetimes: TokenLifetimes = {},
): Promise<ClaimedDelivery | undefined> {
  const rules = emailKinds[kind];
  let heldUntil = new Date(now.getTime() + sendClaimLeaseMs);
  const claimSql = Prisma.sql`
    claimed AS (
      UPDATE email_deliveries AS d
         SET status = 'sending', attempts = d.attempts + 1, claimed_until = ${heldUntil}, updated_at = ${now}
       WHERE d.id = ${deliveryId}::uuid
         AND d.kind = ${kind}
         AND d.sent_at IS NULL
         AND d.status <> 'failed'
         AND (d.claimed_until IS NULL OR d.claimed_until < ${now})
         ${
           rules.onlyWhileUnconfirmed
             ? Prisma.sql`AND EXISTS (SELECT 1 FROM users AS u WHERE u.id = d.user_id AND u.confirmed_at IS NULL)`
             : Prisma.empty
         }
      RETURNING d.attempts, d.user_id, d.recipient
    ),
    recipient AS (
      SELECT c.attempts, c.user_id AS "userId", COALESCE(c.recipient, u.email) AS email, u.name,
             u.confirmed_at AS "confirmedAt", c.recipient AS target
        FROM claimed AS c
        LEFT JOIN users AS u ON u.id = c.user_id
    )`;
  const token = rules.token
    ? issueTokenSql(
        Prisma.sql`SELECT "userId", target FROM recipient WHERE "userId" IS NOT NULL
                    ${rules.token.onlyWhileUnconfirmed ? Prisma.sql`AND "confirmedAt" IS NULL` : Prisma.empty}`,
        rules.token.purpose,
        now,
        tokenLifetimes,
      )
    : undefined;
  const [claimed] = await db.$queryRaw<ClaimRow[]>`
    WITH ${claimSql}${token ? Prisma.sql`, ${token.sql}` : Prisma.empty}
    SELECT attempts, "userId", email, name, "confirmedAt" FROM recipient`;
  if (!claimed) return undefined;
  const { attempts: attempt, userId, email, name, confirmedAt } = claimed;
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
      // While the database is away the claim simply runs down; the record of a send stops trying
      // when it has (send-recorder.server.ts).
      .catch(() => {});
  }, sendClaimRenewalMs);
  const tokenIssued = token && userId && !(rules.token?.onlyWhileUnconfirmed && confirmedAt);
  return {
    attempt,
    kind,
    recipient: { userId, email, name, confirmedAt },
    ...(tokenIssued ? { token: token.issued } : {}),
    heldUntil: () => heldUntil,
    release: () => clearInterval(renewal),
  };
}

/** The kind of a delivery, for a job queued before its payload named it; undefined for an unknown id or kind. */
export async function findDeliveryKind(db: Database, deliveryId: string): Promise<EmailKind | undefined> {
  const delivery = await db.emailDelivery.findUnique({ where: { id: deliveryId }, select: { kind: true } });
  return delivery && isEmailKind(delivery.kind) ? delivery.kind : undefined;
}

export type NotClaimed =
  | { status: 'already-sent' }
  /** Refused for good, or out of attempts: nothing more is tried until it is replayed. */
  | { status: 'given-up'; reason: string }
  /** Another worker is sending it right now; ask again later. */
  | { status: 'busy' }
  | { status: 'skipped'; reason: 'user-gone' | 'already-confirmed' | 'other-kind' };

/** Why `claimForSending` found nothing to send; a confirmation no longer needed is recorded as skipped. */
export async function whyNotClaimed(db: Database, deliveryId: string, kind: EmailKind): Promise<NotClaimed> {
  const delivery = await db.emailDelivery.findUnique({
    where: { id: deliveryId },
    select: { kind: true, sentAt: true, status: true, lastError: true, user: { select: { confirmedAt: true } } },
  });
  // Records go with their user (ON DELETE CASCADE).
  if (!delivery) return { status: 'skipped', reason: 'user-gone' };
  if (delivery.sentAt) return { status: 'already-sent' };
  if (delivery.status === 'failed') return { status: 'given-up', reason: delivery.lastError ?? 'unknown' };
  // Only a job made by hand can name another kind than its delivery's.
  if (delivery.kind !== kind) return { status: 'skipped', reason: 'other-kind' };
  if (emailKinds[kind].onlyWhileUnconfirmed && delivery.user?.confirmedAt) {
    await markSkipped(db, deliveryId);
    return { status: 'skipped', reason: 'already-confirmed' };
  }
  return { status: 'busy' };
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
    select: { status: true, kind: true, recipient: true, user: { select: { email: true } } },
  });
  const email = delivery?.recipient ?? delivery?.user?.email;
  if (!delivery || !email) return undefined;
  const withheld =
    delivery.status === 'skipped' && isEmailKind(delivery.kind) && emailKinds[delivery.kind].withheldReadsAsSent;
  return { status: withheld ? 'sent' : delivery.status, email };
}
