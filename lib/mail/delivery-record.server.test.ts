import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkConfirmationToken, confirmEmail } from '../confirmation/confirm-email.server.ts';
import { hashConfirmationToken } from '../confirmation/confirmation-token.server.ts';
import type { Database } from '../database.server.ts';
import { withTestDatabase } from '../testing/test-services.ts';
import { claimAllForSending, claimForSending, markSent } from './delivery-record.server.ts';

let db: Database;
withTestDatabase((database) => ({ db } = database));

async function userWithDelivery(email: string) {
  const user = await db.user.create({ data: { email, passwordHash: 'x' } });
  return { user, deliveryId: await newDelivery(user.id) };
}

async function newDelivery(userId: string): Promise<string> {
  const { id } = await db.emailDelivery.create({ data: { id: randomUUID(), userId, kind: 'confirm' } });
  return id;
}

/** Claims a delivery, records it sent, and returns the token its email carried. */
async function sendOnce(deliveryId: string): Promise<string | undefined> {
  const claim = await claimForSending(db, deliveryId);
  if (!claim) throw new Error('expected a claim');
  claim.release();
  await markSent(db, deliveryId, { messageId: `<${deliveryId}@test>`, at: new Date() }, claim);
  return claim.confirmation?.token;
}

describe('claimForSending', () => {
  it("makes each email's token the only one of its user's that works, and stores only its digest", async () => {
    const { user, deliveryId } = await userWithDelivery('resend@example.com');
    const first = await sendOnce(deliveryId);
    const second = await sendOnce(await newDelivery(user.id));
    if (!first || !second) throw new Error('expected a token for an unconfirmed user');

    expect(await checkConfirmationToken(db, first)).toBe('invalid');
    expect(await checkConfirmationToken(db, second)).toBe('valid');
    const stored = await db.confirmationToken.findMany({ where: { userId: user.id } });
    expect(stored.map((token) => token.tokenHash)).toEqual([hashConfirmationToken(second)]);
    expect(await confirmEmail(db, first)).toBe('invalid');
    expect(await confirmEmail(db, second)).toBe('confirmed');
  });

  it("leaves other users' tokens alone", async () => {
    const ada = await userWithDelivery('ada@example.com');
    const bob = await userWithDelivery('bob@example.com');
    const adasToken = await sendOnce(ada.deliveryId);
    await sendOnce(bob.deliveryId);
    expect(adasToken && (await checkConfirmationToken(db, adasToken))).toBe('valid');
  });

  it('issues no token when the claim fails or the user is confirmed', async () => {
    const { user, deliveryId } = await userWithDelivery('confirmed@example.com');
    const held = await claimForSending(db, deliveryId);
    held?.release();
    // Held by the claim above: no claim, and no token replaced behind that email's back.
    expect(await claimForSending(db, deliveryId)).toBeUndefined();
    expect(await db.confirmationToken.count({ where: { userId: user.id } })).toBe(1);

    await db.user.update({ where: { id: user.id }, data: { confirmedAt: new Date() } });
    const notice = await db.emailDelivery.create({
      data: { id: randomUUID(), userId: user.id, kind: 'already_registered' },
    });
    const claim = await claimForSending(db, notice.id);
    claim?.release();
    expect(claim?.user.confirmedAt).not.toBeNull();
    expect(claim?.confirmation).toBeUndefined();
    expect(await db.confirmationToken.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe('claimAllForSending', () => {
  it('claims a batch in one go, each email with a working token of its own, and leaves out what is not due', async () => {
    const ada = await userWithDelivery('batch-ada@example.com');
    const bob = await userWithDelivery('batch-bob@example.com');
    const sent = await userWithDelivery('batch-sent@example.com');
    await sendOnce(sent.deliveryId);
    const adasOldToken = await sendOnce(await newDelivery(ada.user.id));

    const claims = await claimAllForSending(db, [ada.deliveryId, bob.deliveryId, sent.deliveryId, bob.deliveryId]);
    for (const claim of claims.values()) claim.release();

    expect([...claims.keys()].sort()).toEqual([ada.deliveryId, bob.deliveryId].sort());
    expect(claims.get(ada.deliveryId)?.user.email).toBe('batch-ada@example.com');
    expect(claims.get(bob.deliveryId)?.user.email).toBe('batch-bob@example.com');
    const adasToken = claims.get(ada.deliveryId)?.confirmation?.token;
    const bobsToken = claims.get(bob.deliveryId)?.confirmation?.token;
    if (!adasToken || !bobsToken || !adasOldToken) throw new Error('expected tokens for unconfirmed users');
    expect(adasToken).not.toBe(bobsToken);
    expect(await checkConfirmationToken(db, adasToken)).toBe('valid');
    expect(await checkConfirmationToken(db, bobsToken)).toBe('valid');
    expect(await checkConfirmationToken(db, adasOldToken)).toBe('invalid');
    // Held now: claimed once, even though asked for twice.
    expect(await db.emailDelivery.findUnique({ where: { id: bob.deliveryId } })).toMatchObject({
      status: 'sending',
      attempts: 1,
    });
    expect(await claimAllForSending(db, [ada.deliveryId, bob.deliveryId])).toEqual(new Map());
  });
});
