import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type ReceivedMessage = ParsedMail & {
  /** When the sink accepted it (its 250). */
  receivedAt: Date;
  /**
   * When its last byte had arrived, before the sink parsed it and answered: a client killed after
   * this never hears the 250 the sink may still send, though the server has the message.
   */
  arrivedAt: Date;
};

/** A fault the sink injects into one message's delivery. */
export type SmtpFault =
  /** 451: try again later, as a busy or greylisting server answers. */
  | 'transient'
  /** 554: refused for good. */
  | 'permanent'
  /** The connection is cut before the server answers, as when it crashes or the network drops. */
  | 'drop';

/** Faults injected at random, each a share of messages (0 to 1). */
export type SmtpFaultRates = {
  transient: number;
  drop: number;
  delay: number;
  delayMs: number;
  /** Recipients refused for good at RCPT TO (550), as a server refuses an address that does not exist. */
  rejectRecipients?: RegExp;
};

export type SmtpSinkStats = {
  accepted: number;
  transient: number;
  permanent: number;
  dropped: number;
  delayed: number;
  /** Messages whose client was gone before the sink answered: never accepted, so not kept. */
  abandoned: number;
  /** The most messages the sink was handed at once (from MAIL FROM to its final answer). */
  peakInFlight: number;
  /** Messages answered 421 because too many were in flight (see throttleAbove). */
  throttled: number;
  /** Connections closed as they opened because too many were open (see refuseConnectionsAbove). */
  refusedConnections: number;
};

/** A sink started with `keepMessages: false`: it notes who each accepted message was for, and when, and keeps nothing else. */
export type DiscardingSmtpSink = {
  url: string;
  stats: SmtpSinkStats;
  /**
   * When each recipient's latest message was accepted, on the performance.now() clock: the clock a
   * load generator in the same process times its requests on.
   */
  acceptedAt: ReadonlyMap<string, number>;
  /** Holds the answer to every message for `ms` milliseconds, as a slow mail server would (0: none). */
  setLatency(ms: number): void;
  /** Answers the next `count` messages with `fault` (a temporary failure unless told otherwise). */
  failNext(count: number, fault?: SmtpFault): void;
  /** Holds the answer to the next `count` messages for `ms` milliseconds. */
  delayNext(count: number, ms: number): void;
  setFaultRates(rates: SmtpFaultRates): void;
  /** Answers 421 (and closes the connection) to a message that would make more than `max` in flight. */
  throttleAbove(max: number): void;
  /** Closes, before any greeting, a connection that would make more than `max` open, as a full server refuses one. */
  refuseConnectionsAbove(max: number): void;
  /** Resolves with how many of `recipients` have had no message within `timeoutMs` (0: all arrived). */
  waitForRecipients(recipients: readonly string[], timeoutMs: number): Promise<number>;
  /** Resolves with how many messages were accepted in all, once `count` were or `timeoutMs` passed. */
  waitForCount(count: number, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
};

/** The default sink: it also keeps every message it accepts, parsed, for callers that read what was sent. */
export type SmtpSink = DiscardingSmtpSink & {
  messages: ReceivedMessage[];
  /** Rejects when fewer than `count` messages were accepted within `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
};

type SmtpSinkOptions = {
  /** 0 (the default): any free port. A test that restarts the server gives the port it had. */
  port?: number;
  /**
   * False: messages are read to their end but neither parsed nor kept, so the bench can take hundreds
   * a second on the cores it measures the workers on, and thousands without holding them in memory.
   */
  keepMessages?: boolean;
};

const noFaults: SmtpFaultRates = { transient: 0, drop: 0, delay: 0, delayMs: 0 };

/** A real SMTP server on loopback that notes what it accepts and can misbehave on request, for tests and tools. */
export function startSmtpSink(options?: SmtpSinkOptions & { keepMessages?: true }): Promise<SmtpSink>;
export function startSmtpSink(options: SmtpSinkOptions & { keepMessages: false }): Promise<DiscardingSmtpSink>;
export async function startSmtpSink({ port = 0, keepMessages = true }: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  const acceptedAt = new Map<string, number>();
  const stats: SmtpSinkStats = {
    accepted: 0,
    transient: 0,
    permanent: 0,
    dropped: 0,
    delayed: 0,
    abandoned: 0,
    peakInFlight: 0,
    throttled: 0,
    refusedConnections: 0,
  };
  // Sessions with a message in flight: past MAIL FROM, not yet answered.
  const inFlight = new Set<string>();
  let maxInFlight = Number.POSITIVE_INFINITY;
  let maxConnections = Number.POSITIVE_INFINITY;
  // Each waiter hears of every message accepted, with its recipients.
  const waiters = new Set<(recipients: readonly string[]) => void>();
  const scheduledFaults: SmtpFault[] = [];
  const scheduledDelays: number[] = [];
  let rates = noFaults;
  let latencyMs = 0;
  // By the client's port, which the SMTP session knows too: how a fault finds the socket to cut.
  const sockets = new Map<number, Socket>();

  const read = async (stream: Readable): Promise<ParsedMail | undefined> => {
    if (keepMessages) return simpleParser(stream);
    stream.resume();
    await once(stream, 'end');
    return undefined;
  };

  const answer = async (remotePort: number): Promise<SmtpFault | undefined> => {
    const faultDelayMs = scheduledDelays.shift() ?? (Math.random() < rates.delay ? rates.delayMs : 0);
    if (faultDelayMs > 0) stats.delayed += 1;
    // The latency is the least any answer takes; an injected delay can only make one slower.
    const delayMs = Math.max(faultDelayMs, latencyMs);
    // No timer at all otherwise: even a 0 ms one would add a millisecond to what the bench measures.
    if (delayMs > 0) await sleep(delayMs);
    const fault =
      scheduledFaults.shift() ??
      (Math.random() < rates.transient ? 'transient' : Math.random() < rates.drop ? 'drop' : undefined);
    if (fault === 'drop') sockets.get(remotePort)?.destroy();
    return fault;
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Pooled clients keep their connections open; do not wait 30 s for them on stop().
    closeTimeout: 500,
    onMailFrom(_address, session, callback) {
      if (inFlight.size >= maxInFlight) {
        stats.throttled += 1;
        callback(Object.assign(new Error('Too many messages at once, try again later'), { responseCode: 421 }));
        return;
      }
      inFlight.add(session.id);
      stats.peakInFlight = Math.max(stats.peakInFlight, inFlight.size);
      callback();
    },
    onClose(session) {
      inFlight.delete(session.id);
    },
    onRcptTo(address, _session, callback) {
      if (rates.rejectRecipients?.test(address.address)) {
        stats.permanent += 1;
        callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      let arrivedAt: Date | undefined;
      stream.once('end', () => (arrivedAt = new Date()));
      read(stream)
        .then(async (parsed) => {
          const fault = await answer(session.remotePort);
          if (fault === 'drop') {
            stats.dropped += 1;
            return;
          }
          if (fault) {
            stats[fault] += 1;
            const [code, text] = fault === 'transient' ? [451, 'Try again later'] : [554, 'Message refused'];
            callback(Object.assign(new Error(text), { responseCode: code }));
            return;
          }
          // A server takes responsibility for a message by its 250 (RFC 5321, 6.1). A client killed
          // while the answer was held never heard one and sends again: that is not a delivery.
          if (!sockets.has(session.remotePort)) {
            stats.abandoned += 1;
            return;
          }
          const now = performance.now();
          const recipients = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
          for (const recipient of recipients) acceptedAt.set(recipient, now);
          stats.accepted += 1;
          // A Date as well: the fault run compares it with the times it killed workers at, in other processes.
          const receivedAt = new Date();
          if (parsed) messages.push(Object.assign(parsed, { receivedAt, arrivedAt: arrivedAt ?? receivedAt }));
          for (const wake of waiters) wake(recipients);
          callback();
        })
        .catch((error: Error) => callback(error))
        // Answered, or its client gone: no longer in flight.
        .finally(() => inFlight.delete(session.id));
    },
  });
  // A client that vanishes mid-session (a worker killed, a socket cut by a 'drop' fault) is the
  // client's failure, not the server's; unhandled, the event would crash the process.
  server.on('error', () => {});
  server.server.on('connection', (socket: Socket) => {
    if (sockets.size >= maxConnections) {
      stats.refusedConnections += 1;
      socket.destroy();
      return;
    }
    const remotePort = socket.remotePort ?? 0;
    sockets.set(remotePort, socket);
    socket.once('close', () => sockets.delete(remotePort));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: boundPort } = server.server.address() as AddressInfo;

  /** Resolves with what `done` returns once it returns something (asked now and on every acceptance), or with `onTimeout()`. */
  function waitUntil<T>(
    done: (accepted: readonly string[]) => T | undefined,
    timeoutMs: number,
    onTimeout: () => T,
  ): Promise<T> {
    return new Promise((resolve) => {
      const finish = (value: T) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const check = (accepted: readonly string[]) => {
        const value = done(accepted);
        if (value !== undefined) finish(value);
      };
      const timer = setTimeout(() => finish(onTimeout()), timeoutMs);
      waiters.add(check);
      check([]);
    });
  }

  const waitForCount = (count: number, timeoutMs: number) =>
    waitUntil(
      () => (stats.accepted >= count ? stats.accepted : undefined),
      timeoutMs,
      () => stats.accepted,
    );

  return {
    url: `smtp://127.0.0.1:${boundPort}`,
    stats,
    acceptedAt,
    messages,
    setLatency(ms) {
      latencyMs = ms;
    },
    failNext(count, fault = 'transient') {
      scheduledFaults.push(...Array.from({ length: count }, () => fault));
    },
    delayNext(count, ms) {
      scheduledDelays.push(...Array.from({ length: count }, () => ms));
    },
    setFaultRates(newRates) {
      rates = newRates;
    },
    throttleAbove(max) {
      maxInFlight = max;
    },
    refuseConnectionsAbove(max) {
      maxConnections = max;
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
    waitForCount,
    async waitForMessages(count, timeoutMs = 10_000) {
      // Every message accepted is kept here: this sink was not started with keepMessages: false.
      const accepted = await waitForCount(count, timeoutMs);
      if (accepted < count) throw new Error(`expected ${count} messages, received ${accepted} within ${timeoutMs} ms`);
      return messages;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
