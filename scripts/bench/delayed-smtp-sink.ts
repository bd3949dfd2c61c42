import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

export type DelayedSmtpSink = {
  url: string;
  /** Added before the server accepts each message (its final 250), as a slow mail server would. */
  setLatency(ms: number): void;
  /** When each recipient's latest message was accepted, on the performance.now() clock. */
  acceptedAt: ReadonlyMap<string, number>;
  /** Messages accepted since the sink started. */
  readonly acceptedCount: number;
  /** Resolves with how many of `recipients` have had no message within `timeoutMs` (0: all arrived). */
  waitForRecipients(recipients: readonly string[], timeoutMs: number): Promise<number>;
  /** Resolves with how many messages were accepted in all, once `count` were or `timeoutMs` passed. */
  waitForCount(count: number, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
};

/**
 * A real SMTP server on loopback that discards what it receives and notes when it accepted it. Unlike
 * the test suite's sink it parses nothing, so it can take hundreds of messages a second on a busy machine.
 */
export async function startDelayedSmtpSink(): Promise<DelayedSmtpSink> {
  let latencyMs = 0;
  let acceptedCount = 0;
  const acceptedAt = new Map<string, number>();
  // Each waiter hears of every message accepted, with its recipients.
  const waiters = new Set<(recipients: string[]) => void>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      const accept = () => {
        const now = performance.now();
        const recipients = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
        for (const recipient of recipients) acceptedAt.set(recipient, now);
        acceptedCount += 1;
        for (const wake of waiters) wake(recipients);
        callback();
      };
      // No timer at all without latency: even a 0 ms one would add a millisecond to what is measured.
      stream.once('end', () => (latencyMs > 0 ? setTimeout(accept, latencyMs) : accept()));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  function waitUntil<T>(
    done: (accepted: string[]) => T | undefined,
    timeoutMs: number,
    onTimeout: () => T,
  ): Promise<T> {
    return new Promise((resolve) => {
      const finish = (value: T) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const check = (accepted: string[]) => {
        const value = done(accepted);
        if (value !== undefined) finish(value);
      };
      const timer = setTimeout(() => finish(onTimeout()), timeoutMs);
      waiters.add(check);
      check([]);
    });
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    setLatency(ms) {
      latencyMs = ms;
    },
    acceptedAt,
    get acceptedCount() {
      return acceptedCount;
    },
    waitForRecipients(recipients, timeoutMs) {
      // Crossed off as they arrive: rescanning every recipient on each message made a drain of
      // 5,000 emails cost the bench 25 million lookups, on the cores the workers were measured on.
      const missing = new Set(recipients.filter((recipient) => !acceptedAt.has(recipient)));
      return waitUntil(
        (accepted) => {
          for (const recipient of accepted) missing.delete(recipient);
          return missing.size === 0 ? 0 : undefined;
        },
        timeoutMs,
        () => missing.size,
      );
    },
    waitForCount(count, timeoutMs) {
      return waitUntil(
        () => (acceptedCount >= count ? acceptedCount : undefined),
        timeoutMs,
        () => acceptedCount,
      );
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
