/** Percentiles of a set of measurements, in the unit they were taken in. */
export type Distribution = { count: number; p50: number; p95: number; p99: number; mean: number; max: number };

/** Nearest-rank percentiles: each is a value that was actually measured. Undefined for no samples. */
export function summarize(samples: readonly number[]): Distribution | undefined {
  if (samples.length === 0) return undefined;
  const sorted = samples.toSorted((a, b) => a - b);
  const at = (percent: number) => sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)] ?? Number.NaN;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    mean: total / sorted.length,
    max: sorted.at(-1) ?? Number.NaN,
  };
}
