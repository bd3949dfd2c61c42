import { describe, expect, it } from 'vitest';
import type { RunSlot, RunWindow } from '../jobs/job-definition.ts';
import { createSendWindow } from './send-window.ts';

/** Takes all the room a lane has, as its fetch loop would. */
function fill(lane: RunWindow): RunSlot[] {
  return Array.from({ length: lane.room() }, () => lane.take());
}

describe('the send window', () => {
  it('starts at its initial size and doubles every round in which the server accepts a full window', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    const account = window.lane('account');
    expect(account.room()).toBe(4);
    for (const expected of [8, 16, 32]) {
      for (const slot of fill(account)) slot.release('accepted');
      expect(window.limit).toBe(expected);
    }
  });

  it('does not grow while it is not full: an idle worker has not tried the server', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    const account = window.lane('account');
    for (let round = 0; round < 10; round += 1) account.take().release('accepted');
    expect(window.limit).toBe(4);
  });

  it('grows the sends that were held back, when others waited for room', async () => {
    const window = createSendWindow({ max: 100, initial: 2 });
    const account = window.lane('account');
    const [first] = fill(account);
    const waited = account.whenRoom(new AbortController().signal);
    first?.release('accepted');
    await waited;
    expect(window.limit).toBe(3);
  });

  it('never passes its maximum', () => {
    const window = createSendWindow({ max: 10, initial: 8 });
    const account = window.lane('account');
    for (let round = 0; round < 5; round += 1) for (const slot of fill(account)) slot.release('accepted');
    expect(window.limit).toBe(10);
  });

  it('halves when the server pushes back, once for all the sends in flight then', () => {
    const window = createSendWindow({ max: 100, initial: 16 });
    const account = window.lane('account');
    const slots = fill(account);
    for (const slot of slots) slot.release('pushed-back');
    expect(window.limit).toBe(8);
    // A send started after the cut that is pushed back cuts again.
    account.take().release('pushed-back');
    expect(window.limit).toBe(4);
    for (let cut = 0; cut < 5; cut += 1) account.take().release('pushed-back');
    expect(window.limit).toBe(1);
  });

  it('after a push-back grows by one per window accepted, not by doubling', () => {
    const window = createSendWindow({ max: 100, initial: 16 });
    const account = window.lane('account');
    account.take().release('pushed-back');
    expect(window.limit).toBe(8);
    for (const slot of fill(account)) slot.release('accepted');
    expect(window.limit).toBe(9);
    for (const slot of fill(account)) slot.release('accepted');
    expect(window.limit).toBe(10);
  });

  it('takes a permanent refusal (no signal) as neither growth nor push-back', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    const account = window.lane('account');
    for (const slot of fill(account)) slot.release();
    expect(window.limit).toBe(4);
  });

  it('says when the server cut it', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    const changes: [number, boolean][] = [];
    window.onChange((limit, cut) => changes.push([limit, cut]));
    const account = window.lane('account');
    for (const slot of fill(account)) slot.release('accepted');
    account.take().release('pushed-back');
    expect(changes).toEqual([
      [5, false],
      [6, false],
      [7, false],
      [8, false],
      [4, true],
    ]);
  });

  it('gives bulk mail at most its share, and none while an account email waits for room', async () => {
    const window = createSendWindow({ max: 100, initial: 10, bulkShare: 0.5 });
    const account = window.lane('account');
    const bulk = window.lane('bulk');
    const bulkSlots = fill(bulk);
    expect(bulkSlots).toHaveLength(5);
    expect(account.room()).toBe(5);
    const accountSlots = fill(account);
    expect(window.inFlight).toBe(10);

    // Both wait; the slot a bulk email frees goes to the account email.
    const accountWaits = account.whenRoom(new AbortController().signal);
    let bulkWoke = false;
    const bulkWaits = bulk.whenRoom(new AbortController().signal).then(() => (bulkWoke = true));
    expect(bulk.room()).toBe(0);
    bulkSlots[0]?.release();
    await accountWaits;
    account.take();
    expect(bulkWoke).toBe(false);
    for (const slot of accountSlots) slot.release();
    await bulkWaits;
    expect(bulk.room()).toBe(1);
  });

  it('stops waiting for room when told to', async () => {
    const window = createSendWindow({ max: 1, initial: 1 });
    const account = window.lane('account');
    account.take();
    const abort = new AbortController();
    const waiting = account.whenRoom(abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
