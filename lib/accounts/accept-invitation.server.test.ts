import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { issueToken } from '../tokens/tokens.server.ts';
import { withTestDatabase } from '../../testing/test-services.ts';
import { acceptInvitation, checkInvitation } from './accept-invitation.server.ts';
import { verifyPassword } from './password.server.ts';

let db: Database;
withTestDatabase((database) => ({ db } = database));

let userCount = 0;
async function invited() {
  userCount += 1;
  const user = await db.user.create({ data: { email: `invited${userCount}@example.com`, name: 'Grace Hopper' } });
  const { token } = await issueToken(db, user.id, 'invite');
  return { user, token };
}

describe('acceptInvitation', () => {
  it('sets the password with the sign-up policy, confirms the address and uses the link up', async () => {
    const { user, token } = await invited();
    expect(await checkInvitation(db, token)).toEqual({ status: 'valid', email: user.email, name: 'Grace Hopper' });
    expect(await acceptInvitation(db, { token, password: 'short' })).toMatchObject({
      status: 'weak-password',
      errors: [expect.stringContaining('at least 8')],
    });
    expect(await acceptInvitation(db, { token, password: 'gracehopper' })).toMatchObject({ status: 'weak-password' });
    expect(await acceptInvitation(db, { token, password: 'compass lantern 93 orbit' })).toEqual({
      status: 'accepted',
      email: user.email,
    });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.confirmedAt).toBeInstanceOf(Date);
    expect(await verifyPassword(after.passwordHash, 'compass lantern 93 orbit')).toBe(true);
    expect(await checkInvitation(db, token)).toEqual({ status: 'used' });
    expect(await acceptInvitation(db, { token, password: 'another good passphrase 7' })).toEqual({ status: 'used' });
  });

  it('lets exactly one of two concurrent acceptances set the password', async () => {
    const { token } = await invited();
    const results = await Promise.all(
      ['first passphrase river 1', 'second passphrase hill 2'].map((password) =>
        acceptInvitation(db, { token, password }),
      ),
    );
    expect(results.map((result) => result.status).sort()).toEqual(['accepted', 'used']);
  });

  it('refuses an expired or unknown link', async () => {
    const { token } = await invited();
    const later = new Date(Date.now() + 8 * 24 * 60 * 60 * 1000);
    expect(await checkInvitation(db, token, later)).toEqual({ status: 'expired' });
    expect(await acceptInvitation(db, { token, password: 'compass lantern 93 orbit' }, later)).toEqual({
      status: 'expired',
    });
    expect(await checkInvitation(db, 'A'.repeat(43))).toEqual({ status: 'invalid' });
  });
});
