import { describe, expect, it } from 'vitest';
import type { RunSlot, RunWindow } from '../jobs/job-definition.ts';
import { createSendWindow } from './send-window.ts';

/** Takes all the room the window has, as its fetch loop would. */
function fill(window: RunWindow): RunSlot[] {
  return Array.from({ length: window.room() }, () => window.take());
}

describe('the send window', () => {
  it('starts at its initial size and doubles every round in which the server accepts a full window', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    expect(window.room()).toBe(4);
    for (const expected of [8, 16, 32]) {
      for (const slot of fill(window)) slot.release('accepted');
      expect(window.limit).toBe(expected);
    }
  });

  it('does not grow while it is not full: an idle worker has not tried the server', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    for (let round = 0; round < 10; round += 1) window.take().release('accepted');
    expect(window.limit).toBe(4);
  });

  it('grows the sends that were held back, when others waited for room', async () => {
    const window = createSendWindow({ max: 100, initial: 2 });
    const [first] = fill(window);
    const waited = window.whenRoom(new AbortController().signal);
    first?.release('accepted');
    await waited;
    expect(window.limit).toBe(3);
  });

  it('never passes its maximum', () => {
    const window = createSendWindow({ max: 10, initial: 8 });
    for (let round = 0; round < 5; round += 1) for (const slot of fill(window)) slot.release('accepted');
    expect(window.limit).toBe(10);
  });

  it('halves when the server pushes back, once for all the sends in flight then', () => {
    const window = createSendWindow({ max: 100, initial: 16 });
    const slots = fill(window);
    for (const slot of slots) slot.release('pushed-back');
    expect(window.limit).toBe(8);
    // A send started after the cut that is pushed back cuts again.
    window.take().release('pushed-back');
    expect(window.limit).toBe(4);
    for (let cut = 0; cut < 5; cut += 1) window.take().release('pushed-back');
    expect(window.limit).toBe(1);
  });

  it('after a push-back grows by one per window accepted, not by doubling', () => {
    const window = createSendWindow({ max: 100, initial: 16 });
    window.take().release('pushed-back');
    expect(window.limit).toBe(8);
    for (const slot of fill(window)) slot.release('accepted');
    expect(window.limit).toBe(9);
    for (const slot of fill(window)) slot.release('accepted');
    expect(window.limit).toBe(10);
  });

  it('takes a permanent refusal (no signal) as neither growth nor push-back', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    for (const slot of fill(window)) slot.release();
    expect(window.limit).toBe(4);
  });

  it('says when the server cut it', () => {
    const window = createSendWindow({ max: 100, initial: 4 });
    const changes: [number, boolean][] = [];
    window.onChange((limit, cut) => changes.push([limit, cut]));
    for (const slot of fill(window)) slot.release('accepted');
    window.take().release('pushed-back');
    expect(changes).toEqual([
      [5, false],
      [6, false],
      [7, false],
      [8, false],
      [4, true],
    ]);
  });

  it('stops waiting for room when told to', async () => {
    const window = createSendWindow({ max: 1, initial: 1 });
    window.take();
    const abort = new AbortController();
    const waiting = window.whenRoom(abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
