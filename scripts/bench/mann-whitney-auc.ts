/** How well one set of measurements can be told from another, by rank alone. */
export type Distinguishability = {
  /** The probability that a sample from the first set exceeds one from the second (ties count half). 0.5: no telling them apart. */
  auc: number;
  /** The AUC's standard error were both sets from one distribution: sqrt((n1 + n2 + 1) / (12 n1 n2)). */
  standardError: number;
  /** The AUC lies within two standard errors of 0.5: what was measured cannot tell the two sets apart. */
  indistinguishable: boolean;
};

/**
 * The Mann-Whitney U statistic as an AUC. Ranks, not means: a few slow outliers on a busy machine
 * move it little, and it assumes no shape of the distributions. Undefined when a set is empty.
 */
export function mannWhitneyAuc(first: readonly number[], second: readonly number[]): Distinguishability | undefined {
  if (first.length === 0 || second.length === 0) return undefined;
  let wins = 0;
  // Every pair: a few hundred samples each make a few tens of thousands of comparisons.
  for (const a of first) {
    for (const b of second) wins += a > b ? 1 : a === b ? 0.5 : 0;
  }
  const pairs = first.length * second.length;
  const auc = wins / pairs;
  const standardError = Math.sqrt((first.length + second.length + 1) / (12 * pairs));
  return { auc, standardError, indistinguishable: Math.abs(auc - 0.5) <= 2 * standardError };
}
