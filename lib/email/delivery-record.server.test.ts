import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfirmationToken, confirmEmail } from '../accounts/confirm-email.server.ts';
import { hashToken } from '../tokens/tokens.server.ts';
import type { Database } from '../db/database.server.ts';
import { withTestDatabase } from '../../testing/test-services.ts';
import { createLogger } from '../logging/logger.server.ts';
import { claimForSending, whyNotClaimed } from './delivery-record.server.ts';
import { createSendRecorder, type SendRecorder } from './send-recorder.server.ts';

let db: Database;
let recorder: SendRecorder;
let databaseUrl: string;
withTestDatabase((database) => ({ db, url: databaseUrl } = database));
beforeAll(() => {
  recorder = createSendRecorder(databaseUrl, createLogger('worker'));
});
afterAll(() => recorder.close());

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
  const claim = await claimForSending(db, deliveryId, 'confirm');
  if (!claim) throw new Error('expected a claim');
  claim.release();
  await recorder.recordSent(deliveryId, { messageId: `<${deliveryId}@test>`, at: new Date() }, claim);
  return claim.token?.token;
}

describe('claimForSending', () => {
  it("makes each email's token the only one of its user's that works, and stores only its digest", async () => {
    const { user, deliveryId } = await userWithDelivery('resend@example.com');
    const first = await sendOnce(deliveryId);
    const second = await sendOnce(await newDelivery(user.id));
    if (!first || !second) throw new Error('expected a token for an unconfirmed user');

    expect(await checkConfirmationToken(db, first)).toBe('invalid');
    expect(await checkConfirmationToken(db, second)).toBe('valid');
    const stored = await db.token.findMany({ where: { userId: user.id } });
    expect(stored.map((token) => token.tokenHash)).toEqual([hashToken(second)]);
    expect((await confirmEmail(db, first)).status).toBe('invalid');
    expect((await confirmEmail(db, second)).status).toBe('confirmed');
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
    const held = await claimForSending(db, deliveryId, 'confirm');
    held?.release();
    // Held by the claim above: no claim, and no token replaced behind that email's back.
    expect(await claimForSending(db, deliveryId, 'confirm')).toBeUndefined();
    expect(await db.token.count({ where: { userId: user.id } })).toBe(1);

    await db.user.update({ where: { id: user.id }, data: { confirmedAt: new Date() } });
    const notice = await db.emailDelivery.create({
      data: { id: randomUUID(), userId: user.id, kind: 'already_registered' },
    });
    const claim = await claimForSending(db, notice.id, 'already_registered');
    claim?.release();
    expect(claim?.recipient.confirmedAt).not.toBeNull();
    expect(claim?.token).toBeUndefined();
    expect(await db.token.count({ where: { userId: user.id } })).toBe(1);
  });

  it('does not claim a kind sent only while unconfirmed once the address is confirmed, and says why', async () => {
    const { user, deliveryId } = await userWithDelivery('late@example.com');
    await db.user.update({ where: { id: user.id }, data: { confirmedAt: new Date() } });
    expect(await claimForSending(db, deliveryId, 'confirm')).toBeUndefined();
    expect(await whyNotClaimed(db, deliveryId, 'confirm')).toEqual({ status: 'skipped', reason: 'already-confirmed' });
    expect((await db.emailDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).status).toBe('skipped');
  });
});
