import { describe, expect, it } from 'vitest';
import type { Database } from '../database.server.ts';
import { withTestDatabase } from '../testing/test-services.ts';
import { checkConfirmationToken, confirmEmail } from './confirm-email.server.ts';
import { hashConfirmationToken } from './confirmation-token.server.ts';
import { issueConfirmationToken } from './issue-confirmation-token.server.ts';

let db: Database;
withTestDatabase((database) => ({ db } = database));

const inADay = () => new Date(Date.now() + 24 * 60 * 60 * 1000);

describe('issueConfirmationToken', () => {
  it('makes each new token the only one that works, and stores only its digest', async () => {
    const user = await db.user.create({ data: { email: 'resend@example.com', passwordHash: 'x' } });
    const first = await issueConfirmationToken(db, user.id, inADay());
    const second = await issueConfirmationToken(db, user.id, inADay());

    expect(await checkConfirmationToken(db, first)).toBe('invalid');
    expect(await checkConfirmationToken(db, second)).toBe('valid');
    const stored = await db.confirmationToken.findMany({ where: { userId: user.id } });
    expect(stored.map((token) => token.tokenHash)).toEqual([hashConfirmationToken(second)]);
    expect(await confirmEmail(db, first)).toBe('invalid');
    expect(await confirmEmail(db, second)).toBe('confirmed');
  });

  it("leaves other users' tokens alone", async () => {
    const [ada, bob] = await Promise.all(
      ['ada@example.com', 'bob@example.com'].map((email) => db.user.create({ data: { email, passwordHash: 'x' } })),
    );
    const adasToken = await issueConfirmationToken(db, ada!.id, inADay());
    await issueConfirmationToken(db, bob!.id, inADay());
    expect(await checkConfirmationToken(db, adasToken)).toBe('valid');
  });
});
