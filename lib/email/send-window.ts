import type { RunSlot, RunWindow, ServerSignal } from '../jobs/job-definition.ts';

/**
 * Which emails a send is. Account emails (sign-up confirmations, resets, notices) come first; bulk
 * mail (invitations) has what they leave, never more than its share of the window, and none while
 * an account email waits for room.
 */
export type SendLane = 'account' | 'bulk';

export type SendWindowOptions = {
  /** SMTP_MAX_IN_FLIGHT: the most emails one worker has in flight, however well the server copes. */
  max: number;
  /** Where a worker starts before it has heard from the server. */
  initial?: number;
  /** The most of the window bulk mail may hold at once, as a share of it. */
  bulkShare?: number;
};

/** How many emails a worker may have in flight right now, adapting to how the SMTP server copes. */
export type SendWindow = {
  /** The lane's view of the window, for the loop that fetches its jobs. */
  lane(lane: SendLane): RunWindow;
  /** Emails in flight may reach this many; it moves between 1 and `max`. */
  readonly limit: number;
  readonly inFlight: number;
  /** Called after every change of the limit, with the new one and whether it was cut. */
  onChange(listener: (limit: number, cut: boolean) => void): () => void;
};

// A fresh worker's guess: enough for a burst to a slow server to get going within a round trip or
// two, few enough that a server which takes only a handful pushes back on a handful of emails.
const defaultInitial = 16;
const defaultBulkShare = 0.5;

/**
 * An AIMD window, as TCP paces its sends. While the server accepts and the window is full (the
 * server is slow, or there is a backlog), each accepted email widens it: by one (doubling every
 * round trip) until the server first pushes back, then by one per window's worth. A push-back (a
 * 4xx reply, a refused or failed connection) halves it, once per round trip: the sends already in
 * flight when it was cut say nothing new when they fail too. A window that is not full does not
 * grow, so an idle worker does not come to trust a server it has not tried.
 */
export function createSendWindow({
  max,
  initial = defaultInitial,
  bulkShare = defaultBulkShare,
}: SendWindowOptions): SendWindow {
  let limit = Math.min(max, initial);
  // Doubling ends here: at the first push-back, then at half the window it happened at.
  let threshold = max;
  // Past the threshold: accepted sends counted towards the next widening by one.
  let acceptedTowardsNext = 0;
  // Counts the cuts: a send started before the latest one does not cut again.
  let cuts = 0;
  // Counts the moments the window was full, so a send can tell whether it was ever held back.
  let fullMoments = 0;
  const inFlight: Record<SendLane, number> = { account: 0, bulk: 0 };
  const waiting: Record<SendLane, Set<() => void>> = { account: new Set(), bulk: new Set() };
  const listeners = new Set<(limit: number, cut: boolean) => void>();

  const total = () => inFlight.account + inFlight.bulk;
  const room = (lane: SendLane) => {
    const free = limit - total();
    if (lane === 'account') return Math.max(0, free);
    if (waiting.account.size > 0) return 0;
    return Math.max(0, Math.min(free, Math.floor(limit * bulkShare) - inFlight.bulk));
  };
  // Room goes to account emails first: bulk mail hears of it only when none of them waits.
  const wakeWaiters = () => {
    const lane = waiting.account.size > 0 ? 'account' : 'bulk';
    if (room(lane) === 0) return;
    for (const wake of waiting[lane]) wake();
  };
  const setLimit = (next: number, cut: boolean) => {
    if (next === limit) return;
    limit = next;
    for (const listener of listeners) listener(limit, cut);
  };

  function release(lane: SendLane, started: { cuts: number; fullMoments: number }, signal?: ServerSignal) {
    inFlight[lane] -= 1;
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

  function laneView(lane: SendLane): RunWindow {
    return {
      room: () => room(lane),
      take(): RunSlot {
        const started = { cuts, fullMoments };
        inFlight[lane] += 1;
        // A send that fills the window was held back as much as one that waits behind it.
        if (total() >= limit) fullMoments += 1;
        let released = false;
        return {
          release(signal) {
            if (released) return;
            released = true;
            release(lane, started, signal);
          },
        };
      },
      whenRoom(abort) {
        if (room(lane) > 0 || abort.aborted) return Promise.resolve();
        // Whoever waits for room was held back: the sends in flight may widen the window.
        fullMoments += 1;
        return new Promise((resolve) => {
          const done = () => {
            waiting[lane].delete(done);
            abort.removeEventListener('abort', done);
            resolve();
          };
          waiting[lane].add(done);
          abort.addEventListener('abort', done, { once: true });
        });
      },
    };
  }

  return {
    lane: laneView,
    get limit() {
      return limit;
    },
    get inFlight() {
      return total();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
