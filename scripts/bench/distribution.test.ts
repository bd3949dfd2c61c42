import { describe, expect, it } from 'vitest';
import { summarize } from './distribution.ts';

describe('summarize', () => {
  it('gives nearest-rank percentiles, each a measured value', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(summarize(samples)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, mean: 50.5, max: 100 });
  });

  it('takes the largest sample as every high percentile of a small set', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ p50: 2, p95: 3, p99: 3 });
  });

  it('has nothing to say about no samples', () => {
    expect(summarize([])).toBeUndefined();
  });
});
