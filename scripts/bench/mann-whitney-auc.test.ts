import { describe, expect, it } from 'vitest';
import { mannWhitneyAuc } from './mann-whitney-auc.ts';

describe('mannWhitneyAuc', () => {
  it('counts the pairs in which the first set is slower, ties as half', () => {
    // 2 > 1, 4 > 1, 4 > 3; 2 < 3: 3 of 4 pairs.
    expect(mannWhitneyAuc([2, 4], [1, 3])?.auc).toBe(0.75);
    // Of 9 pairs, 3 wins (2 > 1, 3 > 1, 3 > 2) and 3 ties: (3 + 1.5) / 9.
    expect(mannWhitneyAuc([1, 2, 3], [1, 2, 3])?.auc).toBe(0.5);
    expect(mannWhitneyAuc([1, 2], [5, 6])?.auc).toBe(0);
  });

  it('calls sets indistinguishable when the AUC is within two standard errors of 0.5', () => {
    // Fully separated, but two samples each: SE = sqrt(5 / 48) = 0.323, so 0.5 away is within 2 SE.
    const tiny = mannWhitneyAuc([3, 4], [1, 2])!;
    expect(tiny.auc).toBe(1);
    expect(tiny.standardError).toBeCloseTo(0.3227, 4);
    expect(tiny.indistinguishable).toBe(true);

    // Ten each, fully separated: SE = sqrt(21 / 1200) = 0.132, and 0.5 is 3.8 SE away.
    const ten = Array.from({ length: 10 }, (_, index) => index);
    const separated = mannWhitneyAuc(
      ten.map((value) => value + 10),
      ten,
    )!;
    expect(separated.standardError).toBeCloseTo(0.1323, 4);
    expect(separated.indistinguishable).toBe(false);

    // Ten each, interleaved one step apart (1, 3, ... against 0, 2, ...): 55 of 100 pairs, 0.4 SE.
    const interleaved = mannWhitneyAuc(
      ten.map((value) => 2 * value + 1),
      ten.map((value) => 2 * value),
    )!;
    expect(interleaved.auc).toBe(0.55);
    expect(interleaved.indistinguishable).toBe(true);
  });

  it('has nothing to say about an empty set', () => {
    expect(mannWhitneyAuc([], [1])).toBeUndefined();
    expect(mannWhitneyAuc([1], [])).toBeUndefined();
  });
});
