import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

// zxcvbn's score: 0 and 1 fall to fewer than a million guesses, which a throttled online attacker
// or any offline one gets through; 2 and up hold against online guessing.
const minimumScore = 2;

// The dictionaries take ~0.4 s and ~45 MB to load. A server loads them as it starts (see
// instrumentation.ts, bundled apart from the routes: hence one estimator per process on globalThis)
// so that the first sign-up does not wait for them.
const cache = globalThis as typeof globalThis & { passwordEstimator?: ZxcvbnFactory };
function estimator(): ZxcvbnFactory {
  cache.passwordEstimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    // The estimate's cost grows faster than linearly with length; a strong start is strong enough.
    maxLength: 64,
    // Trying every combination of look-alike substitutions ("p@$$w0rd") was four fifths of the
    // check's time (20 ms a password, the largest CPU cost of a sign-up); four substituted
    // characters still catch the l33t spellings of common words, names and passwords in 4.5 ms.
    l33tMaxSubstitutions: 4,
  });
  return cache.passwordEstimator;
}

/** Loads the dictionaries now rather than on the first sign-up. */
export function warmPasswordEstimator(): void {
  estimator().check('warm up', []);
}

/**
 * Why a password is too easy to guess, in plain words, or undefined when it is fine. Checked
 * offline against common passwords, words and names, keyboard patterns, and the user's own
 * address and name (`personal`), which attackers try first.
 */
export function passwordWeakness(password: string, personal: string[]): string | undefined {
  const result = estimator().check(password, personalWords(personal));
  if (result.score >= minimumScore) return undefined;
  if (usesDictionary(result, 'userInputs')) return "Don't build your password from your email address or name.";
  if (usesDictionary(result, 'passwords-common')) {
    return 'This is one of the most common passwords. Choose something less predictable, like a few unrelated words.';
  }
  return 'This password is too easy to guess. Add a few more words or characters that are not a pattern.';
}

function usesDictionary(result: ZxcvbnResult, dictionaryName: string): boolean {
  return result.sequence.some((match) => 'dictionaryName' in match && match.dictionaryName === dictionaryName);
}

/** The address and name as a whole and in their parts ("ada.lovelace@example.com" gives "ada", "lovelace"...). */
function personalWords(values: string[]): string[] {
  const words = values.flatMap((value) => [value, ...value.split(/[^\p{L}\p{N}]+/u)]);
  return [...new Set(words.map((word) => word.toLowerCase()).filter((word) => word.length >= 3))];
}
