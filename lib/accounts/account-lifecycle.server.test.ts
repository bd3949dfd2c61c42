import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';
import type { RateLimits } from '../rate-limit/rate-limits.server.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { issueToken } from '../tokens/tokens.server.ts';
import { addressRequestJob } from './address-request-job.ts';
import { cancelEmailChange, confirmEmailChange, requestEmailChange } from './change-email.server.ts';
import { changePassword } from './change-password.server.ts';
import { deleteAccount, recentSignInMs } from './delete-account.server.ts';
import { sendPasswordResetEmail } from './password-reset-email.server.ts';
import { resetPassword } from './password-reset.server.ts';
import { requestPasswordReset } from './request-password-reset.server.ts';
import { hashPassword, verifyPassword } from './password.server.ts';
import { createSession } from './sessions.server.ts';

let db: Database;
let boss: PgBoss;
let limits: RateLimits;
let outbox: Outbox;
withTestServices((services) => ({ db, boss, limits, outbox } = services));

const password = 'correct horse battery staple';
const newPassword = 'a brand new tandem bicycle';
const sessionSettings = { idleMs: 24 * 60 * 60 * 1000, absoluteMs: 24 * 60 * 60 * 1000 };
let clients = 0;
const client = () => `198.51.100.${(clients += 1)}`;

async function account(email: string, { confirmed = true } = {}) {
  return db.user.create({
    data: {
      email,
      name: 'Ada',
      passwordHash: await hashPassword(password),
      confirmedAt: confirmed ? new Date() : null,
    },
  });
}

const kindsFor = async (userId: string | null, recipient?: string) =>
  (
    await db.emailDelivery.findMany({
      where: { userId, ...(recipient ? { recipient } : {}) },
      orderBy: { createdAt: 'asc' },
    })
  ).map((delivery) => delivery.kind);

describe('forgot password', () => {
  it('queues the same job for an address with an account and one without', async () => {
    await account('forgetful@example.com');
    for (const email of ['forgetful@example.com', 'stranger@example.com']) {
      expect(await requestPasswordReset({ boss, limits }, { fields: { email }, clientIp: client() })).toEqual({
        status: 'accepted',
        email,
      });
      const jobs = await boss.findJobs(addressRequestJob.name, { data: { email } });
      expect(jobs.map((job) => job.data)).toEqual([{ email, wants: 'password-reset' }]);
    }
  });

  it('holds a second request for the same address, known or not, behind a cooldown', async () => {
    await requestPasswordReset({ boss, limits }, { fields: { email: 'cool@example.com' }, clientIp: client() });
    expect(
      await requestPasswordReset({ boss, limits }, { fields: { email: 'cool@example.com' }, clientIp: client() }),
    ).toMatchObject({ status: 'rate-limited', retryAfterSeconds: expect.any(Number) });
  });

  it('refuses a malformed address with a message and queues nothing', async () => {
    expect(
      await requestPasswordReset({ boss, limits }, { fields: { email: 'nope' }, clientIp: client() }),
    ).toMatchObject({
      status: 'invalid',
      errors: { email: [expect.any(String)] },
    });
  });

  it('emails only an address with an account, once per request', async () => {
    const user = await account('known-reset@example.com');
    const request = { email: 'known-reset@example.com', requestKey: 'job-1' };
    const first = await sendPasswordResetEmail({ db, outbox }, request);
    expect(await sendPasswordResetEmail({ db, outbox }, request)).toEqual(first);
    expect(await kindsFor(user.id)).toEqual(['reset_password']);
    expect(await sendPasswordResetEmail({ db, outbox }, { email: 'nobody@example.com', requestKey: 'job-2' })).toEqual({
      status: 'no-account',
    });
  });
});

describe('resetPassword', () => {
  it('sets the password, confirms the address, ends every session and sends the notice, once', async () => {
    const user = await account('reset@example.com', { confirmed: false });
    await createSession(db, user.id, 'old browser', sessionSettings);
    const { token } = await issueToken(db, user.id, 'reset-password');

    expect(await resetPassword({ db, outbox }, { token, password: newPassword })).toEqual({
      status: 'reset',
      email: 'reset@example.com',
    });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(after.passwordHash, newPassword)).toBe(true);
    expect(after.confirmedAt).not.toBeNull();
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await kindsFor(user.id)).toEqual(['password_changed']);
    expect(await resetPassword({ db, outbox }, { token, password: 'yet another long passphrase' })).toEqual({
      status: 'used',
    });
  });

  it('refuses a weak password without using the link up', async () => {
    const user = await account('weak@example.com');
    const { token } = await issueToken(db, user.id, 'reset-password');
    expect(await resetPassword({ db, outbox }, { token, password: 'password1' })).toMatchObject({
      status: 'weak-password',
    });
    expect(await resetPassword({ db, outbox }, { token, password: 'weak@example.com' })).toMatchObject({
      status: 'weak-password',
    });
    expect(await resetPassword({ db, outbox }, { token, password: newPassword })).toMatchObject({ status: 'reset' });
  });

  it('says which links cannot be used: superseded, expired, tampered with', async () => {
    const user = await account('links@example.com');
    const older = await issueToken(db, user.id, 'reset-password');
    const newer = await issueToken(db, user.id, 'reset-password');
    expect(await resetPassword({ db, outbox }, { token: older.token, password: newPassword })).toEqual({
      status: 'invalid',
    });
    expect(
      await resetPassword({ db, outbox }, { token: `${newer.token.slice(0, -1)}x`, password: newPassword }),
    ).toEqual({ status: 'invalid' });
    const later = new Date(Date.now() + 2 * 60 * 60 * 1000);
    expect(await resetPassword({ db, outbox }, { token: newer.token, password: newPassword }, later)).toEqual({
      status: 'expired',
    });
    // A confirmation link is not a reset link.
    const confirm = await issueToken(db, user.id, 'confirm-email');
    expect(await resetPassword({ db, outbox }, { token: confirm.token, password: newPassword })).toEqual({
      status: 'invalid',
    });
  });

  it('lets one of two concurrent resets through', async () => {
    const user = await account('race@example.com');
    const { token } = await issueToken(db, user.id, 'reset-password');
    const results = await Promise.all([
      resetPassword({ db, outbox }, { token, password: newPassword }),
      resetPassword({ db, outbox }, { token, password: 'the other long passphrase' }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['reset', 'used']);
    expect(await kindsFor(user.id)).toEqual(['password_changed']);
  });
});

describe('changePassword', () => {
  it('needs the current password, keeps this session and ends the others', async () => {
    const user = await account('change@example.com');
    await createSession(db, user.id, 'here', sessionSettings);
    await createSession(db, user.id, 'elsewhere', sessionSettings);
    const thisSession = await db.session.findFirstOrThrow({ where: { userId: user.id, userAgent: 'here' } });
    const change = (currentPassword: string, typedNew: string) =>
      changePassword(
        { db, outbox, limits },
        {
          userId: user.id,
          sessionId: thisSession.id,
          clientIp: client(),
          fields: { currentPassword, newPassword: typedNew },
        },
      );

    expect(await change('wrong password', newPassword)).toMatchObject({
      status: 'invalid',
      errors: { currentPassword: ['That is not your current password.'] },
    });
    expect(await change(password, 'short')).toMatchObject({
      status: 'invalid',
      errors: { newPassword: [expect.any(String)] },
    });
    expect(await kindsFor(user.id)).toEqual([]);
    expect(await change(password, newPassword)).toEqual({ status: 'changed' });
    expect((await db.session.findMany({ where: { userId: user.id } })).map((s) => s.userAgent)).toEqual(['here']);
    expect(await kindsFor(user.id)).toEqual(['password_changed']);
  });
});

describe('email change', () => {
  it('sends a link to a free address and a notice with a cancel link to the current one', async () => {
    const user = await account('before@example.com');
    const result = await requestEmailChange(
      { db, outbox, limits },
      { userId: user.id, clientIp: client(), fields: { newEmail: 'After@Example.com', currentPassword: password } },
    );
    expect(result).toEqual({ status: 'requested', newEmail: 'after@example.com' });
    const deliveries = await db.emailDelivery.findMany({ where: { userId: user.id }, orderBy: { kind: 'asc' } });
    expect(deliveries.map(({ kind, recipient }) => ({ kind, recipient }))).toEqual([
      { kind: 'email_change_confirm', recipient: 'after@example.com' },
      { kind: 'email_change_notice', recipient: 'before@example.com' },
    ]);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe('before@example.com');
  });

  it('answers a taken address as a free one, and tells its owner instead', async () => {
    const owner = await account('taken@example.com');
    const user = await account('mover@example.com');
    const result = await requestEmailChange(
      { db, outbox, limits },
      { userId: user.id, clientIp: client(), fields: { newEmail: 'taken@example.com', currentPassword: password } },
    );
    expect(result).toEqual({ status: 'requested', newEmail: 'taken@example.com' });
    expect(await kindsFor(owner.id)).toEqual(['email_taken_notice']);
    expect(await kindsFor(user.id)).toEqual(['email_change_notice']);
  });

  it('refuses a wrong password, a malformed address and the same address, sending nothing', async () => {
    const user = await account('careful@example.com');
    const ask = (newEmail: string, currentPassword: string) =>
      requestEmailChange(
        { db, outbox, limits },
        { userId: user.id, clientIp: client(), fields: { newEmail, currentPassword } },
      );
    expect(await ask('new@example.com', 'wrong')).toMatchObject({ errors: { currentPassword: [expect.any(String)] } });
    expect(await ask('not an address', password)).toMatchObject({ errors: { newEmail: [expect.any(String)] } });
    expect(await ask('Careful@example.com', password)).toMatchObject({ errors: { newEmail: [expect.any(String)] } });
    expect(await kindsFor(user.id)).toEqual([]);
  });

  it('moves the account when the new address confirms, once', async () => {
    const user = await account('old-address@example.com', { confirmed: false });
    const { token } = await issueToken(db, user.id, 'change-email', new Date(), 'new-address@example.com');
    expect(await confirmEmailChange(db, token)).toEqual({ status: 'changed', email: 'new-address@example.com' });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.email).toBe('new-address@example.com');
    expect(after.confirmedAt).not.toBeNull();
    expect(await confirmEmailChange(db, token)).toEqual({ status: 'used' });
  });

  it('keeps the address when another account took the new one meanwhile', async () => {
    const user = await account('stays@example.com');
    const { token } = await issueToken(db, user.id, 'change-email', new Date(), 'grabbed@example.com');
    await account('grabbed@example.com');
    expect(await confirmEmailChange(db, token)).toEqual({ status: 'address-taken' });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe('stays@example.com');
  });

  it('cancels a pending change: its link stops working and every session ends', async () => {
    const user = await account('keeper@example.com');
    await createSession(db, user.id, 'thief', sessionSettings);
    const change = await issueToken(db, user.id, 'change-email', new Date(), 'thief@example.com');
    const cancel = await issueToken(db, user.id, 'cancel-email-change', new Date(), 'keeper@example.com');
    expect(await cancelEmailChange(db, cancel.token)).toEqual({ status: 'cancelled', email: 'keeper@example.com' });
    expect(await confirmEmailChange(db, change.token)).toEqual({ status: 'invalid' });
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await cancelEmailChange(db, cancel.token)).toEqual({ status: 'used' });
  });

  it('undoes a change that went through already', async () => {
    const user = await account('original@example.com');
    const change = await issueToken(db, user.id, 'change-email', new Date(), 'hijack@example.com');
    const cancel = await issueToken(db, user.id, 'cancel-email-change', new Date(), 'original@example.com');
    await confirmEmailChange(db, change.token);
    expect(await cancelEmailChange(db, cancel.token)).toEqual({ status: 'cancelled', email: 'original@example.com' });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe('original@example.com');
  });
});

describe('deleteAccount', () => {
  const longAgo = new Date(Date.now() - recentSignInMs - 1000);

  it('needs the current password unless the sign-in is recent', async () => {
    const user = await account('stays-put@example.com');
    const remove = (currentPassword: unknown, signedInAt: Date) =>
      deleteAccount({ db, outbox, limits }, { userId: user.id, signedInAt, clientIp: client(), currentPassword });
    expect(await remove('wrong', longAgo)).toMatchObject({ status: 'invalid' });
    expect(await remove(undefined, longAgo)).toMatchObject({ status: 'invalid' });
    expect(await db.user.count({ where: { id: user.id } })).toBe(1);
    expect(await remove(undefined, new Date())).toEqual({ status: 'deleted' });
    expect(await db.user.count({ where: { id: user.id } })).toBe(0);
  });

  it('deletes the user with sessions, tokens and pending emails, then queues the farewell to the address', async () => {
    const user = await account('leaving@example.com');
    const other = await account('someone-else@example.com');
    await createSession(db, user.id, 'browser', sessionSettings);
    await issueToken(db, user.id, 'reset-password');
    await outbox.transaction(async (_tx, queueEmail) => {
      await queueEmail({ userId: user.id, kind: 'password_changed' });
      // Someone else's pending email to this address, as an email change to it would queue.
      await queueEmail({ userId: other.id, recipient: 'leaving@example.com', kind: 'email_change_confirm' });
    });

    expect(
      await deleteAccount(
        { db, outbox, limits },
        { userId: user.id, signedInAt: longAgo, clientIp: client(), currentPassword: password },
      ),
    ).toEqual({ status: 'deleted' });
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.token.count({ where: { userId: user.id } })).toBe(0);
    expect(
      await db.emailDelivery.count({ where: { recipient: 'leaving@example.com', kind: { not: 'farewell' } } }),
    ).toBe(0);
    expect(await kindsFor(null, 'leaving@example.com')).toEqual(['farewell']);
    // The address is free again.
    await expect(account('leaving@example.com')).resolves.toMatchObject({ email: 'leaving@example.com' });
  });
});
