import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { withTestDatabase } from '../../testing/test-services.ts';
import {
  createSession,
  deleteExpiredSessions,
  endOtherSessions,
  endSession,
  findSession,
  listSessions,
} from './sessions.server.ts';

let db: Database;
withTestDatabase((database) => ({ db } = database));

const hour = 60 * 60 * 1000;
const settings = { idleMs: 10 * 24 * hour, absoluteMs: 30 * 24 * hour };
let userCount = 0;

async function newUser() {
  userCount += 1;
  return db.user.create({
    data: { email: `session${userCount}@example.com`, passwordHash: 'x', confirmedAt: new Date() },
  });
}

describe('sessions', () => {
  it('end when idle for longer than the idle lifetime', async () => {
    const user = await newUser();
    const start = new Date();
    const used = await createSession(db, user.id, null, settings, start);
    const unused = await createSession(db, user.id, null, settings, start);
    expect(
      await findSession(db, used.token, settings, new Date(start.getTime() + settings.idleMs - hour)),
    ).toBeDefined();
    expect(
      await findSession(db, unused.token, settings, new Date(start.getTime() + settings.idleMs + 1)),
    ).toBeUndefined();
  });

  it('stay alive while used, written at most hourly, up to the absolute lifetime', async () => {
    const user = await newUser();
    const start = new Date();
    const { token } = await createSession(db, user.id, null, settings, start);
    const lastSeen = async () => (await db.session.findFirstOrThrow({ where: { userId: user.id } })).lastSeenAt;

    await findSession(db, token, settings, new Date(start.getTime() + 30 * 60 * 1000));
    expect((await lastSeen()).getTime()).toBe(start.getTime());
    // Used every 9 days: never idle for 10, yet over after 30.
    for (let day = 9; day < 30; day += 9) {
      expect(await findSession(db, token, settings, new Date(start.getTime() + day * 24 * hour))).toBeDefined();
    }
    expect((await lastSeen()).getTime()).toBe(start.getTime() + 27 * 24 * hour);
    expect(await findSession(db, token, settings, new Date(start.getTime() + settings.absoluteMs))).toBeUndefined();
  });

  it('open nothing for an unknown token', async () => {
    expect(await findSession(db, 'A'.repeat(43), settings)).toBeUndefined();
  });

  it('are listed for their user, and signed out one by one, only by their own user, or all but one', async () => {
    const user = await newUser();
    const stranger = await newUser();
    await Promise.all([1, 2, 3].map(() => createSession(db, user.id, 'agent', settings)));
    const ids = (await listSessions(db, user.id, settings)).map((session) => session.id);
    expect(ids).toHaveLength(3);

    const [first, second] = ids;
    await endSession(db, stranger.id, first ?? '');
    expect(await listSessions(db, user.id, settings)).toHaveLength(3);
    await endSession(db, user.id, first ?? '');
    expect(await listSessions(db, user.id, settings)).toHaveLength(2);
    expect(await endOtherSessions(db, user.id, second)).toBe(1);
    expect((await listSessions(db, user.id, settings)).map((session) => session.id)).toEqual([second]);
  });

  it('past either expiry are deleted by the housekeeping', async () => {
    const user = await newUser();
    const longAgo = new Date(Date.now() - settings.idleMs - hour);
    await createSession(db, user.id, null, settings, longAgo);
    await db.session.updateMany({ where: { userId: user.id }, data: { lastSeenAt: longAgo } });
    const { token } = await createSession(db, user.id, null, settings);
    expect(await deleteExpiredSessions(db, settings)).toBeGreaterThanOrEqual(1);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
    expect(await findSession(db, token, settings)).toBeDefined();
  });
});
