import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type ReceivedMessage = ParsedMail & { receivedAt: Date };

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

export type SmtpSink = {
  url: string;
  messages: ReceivedMessage[];
  stats: SmtpSinkStats;
  /** Answers the next `count` messages with `fault` (a temporary failure unless told otherwise). */
  failNext(count: number, fault?: SmtpFault): void;
  /** Holds the answer to the next `count` messages for `ms` milliseconds. */
  delayNext(count: number, ms: number): void;
  setFaultRates(rates: SmtpFaultRates): void;
  /** Answers 421 (and closes the connection) to a message that would make more than `max` in flight. */
  throttleAbove(max: number): void;
  /** Closes, before any greeting, a connection that would make more than `max` open, as a full server refuses one. */
  refuseConnectionsAbove(max: number): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  stop(): Promise<void>;
};

const noFaults: SmtpFaultRates = { transient: 0, drop: 0, delay: 0, delayMs: 0 };

/** A real SMTP server on loopback that keeps what it receives and can misbehave on request, for tests. */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
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
  const waiters = new Set<() => void>();
  const scheduledFaults: SmtpFault[] = [];
  const scheduledDelays: number[] = [];
  let rates = noFaults;
  // By the client's port, which the SMTP session knows too: how a fault finds the socket to cut.
  const sockets = new Map<number, Socket>();

  const answer = async (remotePort: number): Promise<SmtpFault | undefined> => {
    const delayMs = scheduledDelays.shift() ?? (Math.random() < rates.delay ? rates.delayMs : 0);
    if (delayMs > 0) {
      stats.delayed += 1;
      await sleep(delayMs);
    }
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
      simpleParser(stream)
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
          stats.accepted += 1;
          messages.push(Object.assign(parsed, { receivedAt: new Date() }));
          for (const wake of waiters) wake();
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

  return {
    url: `smtp://127.0.0.1:${boundPort}`,
    messages,
    stats,
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
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} messages, received ${messages.length} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
