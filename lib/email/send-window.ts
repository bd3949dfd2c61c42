import type { RunSlot, RunWindow, ServerSignal } from '../jobs/job-definition.ts';

export type SendWindowOptions = {
  /** SMTP_MAX_IN_FLIGHT: the most emails one worker has in flight, however well the server copes. */
  max: number;
  /** Where a worker starts before it has heard from the server. */
  initial?: number;
};

/**
 * How many account emails (confirmations, resets, notices) a worker may have in flight right now,
 * adapting to how the SMTP server copes; the loop that fetches their jobs keeps it full. Bulk mail
 * has a pool of its own (ADR 038).
 */
export type SendWindow = RunWindow & {
  /** Emails in flight may reach this many; it moves between 1 and `max`. */
  readonly limit: number;
  readonly inFlight: number;
  /** Called after every change of the limit, with the new one and whether it was cut. */
  onChange(listener: (limit: number, cut: boolean) => void): () => void;
};

// A fresh worker's guess: enough for a burst to a slow server to get going within a round trip or
// two, few enough that a server which takes only a handful pushes back on a handful of emails.
const defaultInitial = 16;

/**
 * An AIMD window, as TCP paces its sends. While the server accepts and the window is full (the
 * server is slow, or there is a backlog), each accepted email widens it: by one (doubling every
 * round trip) until the server first pushes back, then by one per window's worth. A push-back (a
 * 4xx reply, a refused or failed connection) halves it, once per round trip: the sends already in
 * flight when it was cut say nothing new when they fail too. A window that is not full does not
 * grow, so an idle worker does not come to trust a server it has not tried.
 */
export function createSendWindow({ max, initial = defaultInitial }: SendWindowOptions): SendWindow {
  let limit = Math.min(max, initial);
  // Doubling ends here: at the first push-back, then at half the window it happened at.
  let threshold = max;
  // Past the threshold: accepted sends counted towards the next widening by one.
  let acceptedTowardsNext = 0;
  // Counts the cuts: a send started before the latest one does not cut again.
  let cuts = 0;
  // Counts the moments the window was full, so a send can tell whether it was ever held back.
  let fullMoments = 0;
  let inFlight = 0;
  const waiting = new Set<() => void>();
  const listeners = new Set<(limit: number, cut: boolean) => void>();

  const room = () => Math.max(0, limit - inFlight);
  const wakeWaiters = () => {
    if (room() === 0) return;
    for (const wake of waiting) wake();
  };
  const setLimit = (next: number, cut: boolean) => {
    if (next === limit) return;
    limit = next;
    for (const listener of listeners) listener(limit, cut);
  };

  function release(started: { cuts: number; fullMoments: number }, signal?: ServerSignal) {
    inFlight -= 1;
    const heldBack = fullMoments > started.fullMoments;
    if (signal === 'accepted' && heldBack && limit < max) {
      if (limit < threshold) {
        setLimit(limit + 1, false);
      } else if (++acceptedTowardsNext >= limit) {
        acceptedTowardsNext = 0;
        setLimit(limit + 1, false);
      }
    } else if (signal === 'pushed-back' && started.cuts === cuts) {
      cuts += 1;
      acceptedTowardsNext = 0;
      threshold = Math.max(1, Math.floor(limit / 2));
      setLimit(threshold, true);
    }
    wakeWaiters();
  }

  return {
    room,
    take(): RunSlot {
      const started = { cuts, fullMoments };
      inFlight += 1;
      // A send that fills the window was held back as much as one that waits behind it.
      if (inFlight >= limit) fullMoments += 1;
      let released = false;
      return {
        release(signal) {
          if (released) return;
          released = true;
          release(started, signal);
        },
      };
    },
    whenRoom(abort) {
      if (room() > 0 || abort.aborted) return Promise.resolve();
      // Whoever waits for room was held back: the sends in flight may widen the window.
      fullMoments += 1;
      return new Promise((resolve) => {
        const done = () => {
          waiting.delete(done);
          abort.removeEventListener('abort', done);
          resolve();
        };
        waiting.add(done);
        abort.addEventListener('abort', done, { once: true });
      });
    },
    get limit() {
      return limit;
    },
    get inFlight() {
      return inFlight;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
