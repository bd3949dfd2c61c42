'use client';

import { useEffect, useState } from 'react';

/**
 * Seconds left of a wait of `seconds` that starts whenever `startedBy` changes (each new action
 * state), ticking once a second.
 */
export function useCountdown(seconds: number | undefined, startedBy: unknown): number {
  const [tick, setTick] = useState<{ startedBy: unknown; left: number }>({ startedBy: undefined, left: 0 });
  useEffect(() => {
    if (!seconds) return;
    const endsAt = Date.now() + seconds * 1000;
    const timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      setTick({ startedBy, left });
      if (left === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [seconds, startedBy]);
  return tick.startedBy === startedBy ? tick.left : (seconds ?? 0);
}
