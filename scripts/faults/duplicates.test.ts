import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../testing/smtp-sink.ts';
import { describeDuplicate, findDuplicates } from './duplicates.ts';

// Accepted at `at`, its last byte in `parsing` ms before.
const message = (to: string, subject: string, at: number, parsing = 0) =>
  ({
    to: { value: [{ address: to, name: '' }], text: to, html: to },
    subject,
    receivedAt: new Date(at),
    arrivedAt: new Date(at - parsing),
  }) as ReceivedMessage;

describe('findDuplicates', () => {
  it('finds each email accepted twice, and explains it only by a kill just after its first acceptance', () => {
    const messages = [
      message('a@x.test', 'Confirm', 1_000),
      message('a@x.test', 'Confirm', 12_000),
      message('b@x.test', 'Confirm', 2_000),
      message('b@x.test', 'Reset', 2_100),
      message('c@x.test', 'Confirm', 30_000),
      message('c@x.test', 'Confirm', 41_000),
    ];
    // One kill 40 ms after a's first copy; one long before c's.
    const duplicates = findDuplicates(messages, [1_040, 20_000]);
    expect(duplicates.map(({ recipient, copies, killAfterMs }) => ({ recipient, copies, killAfterMs }))).toEqual([
      { recipient: 'a@x.test', copies: 2, killAfterMs: 40 },
      { recipient: 'c@x.test', copies: 2, killAfterMs: undefined },
    ]);
    expect(describeDuplicate(duplicates[1]!, 0)).toContain('not explained');
    expect(describeDuplicate(duplicates[0]!, 0)).toContain('40 ms after its acceptance');
  });

  it('does not explain a duplicate by a kill before the first acceptance or after the window', () => {
    const messages = [message('a@x.test', 'Confirm', 10_000), message('a@x.test', 'Confirm', 20_000)];
    expect(findDuplicates(messages, [9_000])[0]?.killAfterMs).toBeUndefined();
    expect(findDuplicates(messages, [15_001], { windowMs: 5_000 })[0]?.killAfterMs).toBeUndefined();
    expect(findDuplicates(messages, [14_999], { windowMs: 5_000 })[0]?.killAfterMs).toBe(4_999);
  });

  it('explains a duplicate by a kill after the first copy arrived, before the server answered it', () => {
    const messages = [message('a@x.test', 'Confirm', 10_000, 120), message('a@x.test', 'Confirm', 20_000)];
    const [duplicate] = findDuplicates(messages, [9_900]);
    expect(duplicate?.killAfterMs).toBe(-100);
    expect(describeDuplicate(duplicate!, 0)).toContain('100 ms before its acceptance, after it had arrived');
    // Killed while the message was still on its way: the server never had it from that worker.
    expect(findDuplicates(messages, [9_800])[0]?.killAfterMs).toBeUndefined();
  });
});
