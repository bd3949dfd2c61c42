import { Options, ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import getCleanPasswords from '@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords.cjs';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

// zxcvbn's score: 0 and 1 fall to fewer than a million guesses, which a throttled online attacker
// or any offline one gets through; 2 and up hold against online guessing.
const minimumScore = 2;

const dictionaries: Record<string, string[]> = { ...common.dictionary, ...english.dictionary };
// Named apart from the other word lists: passwordWeakness tells its matches by this name.
const commonPasswords = 'passwords-common';
const mergedWords = 'words';

// The dictionaries take ~0.4 s and ~45 MB to load. A server loads them as it starts (see
// instrumentation.ts, bundled apart from the routes: hence one estimator per process on globalThis)
// so that the first sign-up does not wait for them.
const cache = globalThis as typeof globalThis & { passwordEstimator?: ZxcvbnFactory };
function estimator(): ZxcvbnFactory {
  cache.passwordEstimator ??= withLookAlikeLookupsWhereSubstituted(
    withMergedWordLists(
      // Only the lists the merged one leaves a use for: their ranked copies cost memory.
      new ZxcvbnFactory({ ...estimatorOptions, dictionary: listsKeptByName() }),
    ),
  );
  return cache.passwordEstimator;
}

/** zxcvbn's settings; password-strength.test.ts builds zxcvbn's own estimator from them to compare. */
export const estimatorOptions = {
  dictionary: dictionaries,
  graphs: common.adjacencyGraphs,
  translations: english.translations,
  // The estimate's cost grows faster than linearly with length; a strong start is strong enough.
  maxLength: 64,
  // Trying every combination of look-alike substitutions ("p@$$w0rd") was four fifths of the
  // check's time (20 ms a password, the largest CPU cost of a sign-up); four substituted
  // variants still catch the l33t spellings of common words, names and passwords.
  l33tMaxSubstitutions: 4,
};

/** The lists zxcvbn keeps by name: the common passwords and the word sequences' (see withMergedWordLists). */
function listsKeptByName(): Record<string, string[]> {
  const options = new Options();
  return Object.fromEntries(
    Object.entries(dictionaries).filter(([name]) => name === commonPasswords || options.isWordSequence(name)),
  );
}

/**
 * zxcvbn's dictionary matchers look every substring of the password (and of each look-alike and
 * reversed variant) up in each of the 20 word lists in turn: ~4,000 lookups a scan, three fifths
 * of the estimate's time. A dictionary match's guesses grow with its rank and nothing else about its
 * list, and the estimate keeps the cheapest match of each substring, so one list holding every
 * word at its best rank gives the same score with one lookup where there were twenty. The common
 * passwords stay a list of their own (their matches name it for the message below); the
 * word-sequence matcher ("onetwothree") keeps the lists by name, as it needs them.
 * password-strength.test.ts checks the score against zxcvbn's own over a corpus.
 */
function withMergedWordLists(factory: ZxcvbnFactory): ZxcvbnFactory {
  const best: Record<string, number | undefined> = Object.create(null);
  let longest = 0;
  for (const [name, words] of Object.entries(dictionaries)) {
    if (name === commonPasswords) continue;
    // zxcvbn ranks a word by its position, from 1 (each list holds a word once).
    words.forEach((word, index) => {
      const known = best[word];
      if (known === undefined || index + 1 < known) best[word] = index + 1;
      longest = Math.max(longest, word.length);
    });
  }
  const { matchers } = matchersOf(factory);
  for (const name of ['dictionary', 'dictionaryReverse', 'dictionaryL33t']) {
    const matcher = matchers[name];
    if (!matcher?.options) throw new Error(`zxcvbn's ${name} matcher is not where this version expects it`);
    const { options } = matcher;
    matcher.options = Object.create(options, {
      rankedDictionaries: {
        value: { [commonPasswords]: options.rankedDictionaries[commonPasswords], [mergedWords]: best },
      },
      rankedDictionariesMaxWordSize: {
        value: {
          [commonPasswords]: options.rankedDictionariesMaxWordSize[commonPasswords],
          [mergedWords]: longest,
        },
      },
    }) as Options;
  }
  return factory;
}

/** A dictionary matcher as zxcvbn builds it, and as the code below reads it. */
type DictionaryMatcher = {
  options: Options;
  getRangedDictionaries(userInputs: unknown): {
    rankedDictionaries: Record<string, Record<string, number | undefined>>;
    rankedDictionariesMaxWordSize: Record<string, number>;
  };
  match(options: { password: string; userInputsOptions?: unknown }): object[];
};

// Not part of zxcvbn's typed surface: its Matching holds one matcher per pattern, each reading its
// lists from the options it was given; the word-sequence matcher holds dictionary matchers of its own.
function matchersOf(factory: ZxcvbnFactory) {
  return (
    factory as unknown as {
      matching: { matchers: Record<string, DictionaryMatcher> & { wordSequence: Record<string, DictionaryMatcher> } };
    }
  ).matching;
}

/**
 * zxcvbn's look-alike pass ("p@ssw0rd") rewrites the password with up to l33tMaxSubstitutions sets
 * of substitutions and looks every substring of each rewrite up again, then keeps only the matches
 * whose substring holds a substitution: every other lookup repeats one the plain pass made. A
 * password with nothing to substitute is looked up once more in full. That was half of the
 * estimate's time for a typical password (4.0 -> 2.2 ms for the benchmark's, 1.8 -> 1.4 ms for
 * words only). This pass looks up only the substrings that hold a substitution, and the whole
 * rewrite (which ends the pass when it is a word), and builds each match as zxcvbn's does (its
 * l33t.cjs, reproduced here), for the matcher itself and the word-sequence matcher's.
 * password-strength.test.ts checks the score against zxcvbn's own over a corpus.
 */
function withLookAlikeLookupsWhereSubstituted(factory: ZxcvbnFactory): ZxcvbnFactory {
  const { matchers } = matchersOf(factory);
  for (const matcher of [matchers.dictionaryL33t, matchers.wordSequence.dictionaryL33t]) {
    // zxcvbn's pass also measures the edit distance of each full rewrite to the lists; this one does not.
    if (!matcher || matcher.options.useLevenshteinDistance) {
      throw new Error("zxcvbn's look-alike matcher is not what this version expects");
    }
    matcher.match = function ({ password, userInputsOptions }) {
      const { rankedDictionaries, rankedDictionariesMaxWordSize } = this.getRangedDictionaries(userInputsOptions);
      const names = Object.keys(rankedDictionaries);
      const maxSearchWidth = Math.max(0, ...Object.values(rankedDictionariesMaxWordSize));
      const matches: LookAlikeMatch[] = [];
      let hasFullMatch = false;
      for (const rewrite of getCleanPasswords(password, this.options.l33tMaxSubstitutions, this.options.trieNodeRoot)) {
        if (hasFullMatch) break;
        const lower = rewrite.password.toLowerCase();
        for (let i = 0; i < lower.length; i += 1) {
          for (let j = i; j < lower.length; j += 1) {
            const isWhole = i === 0 && j === lower.length - 1;
            if (j - i + 1 > maxSearchWidth && !isWhole) break;
            if (!isWhole && !rewrite.changes.some((change) => change.i <= j && change.i + change.letter.length > i)) {
              continue;
            }
            const word = lower.slice(i, j + 1);
            for (const dictionaryName of names) {
              if (j - i + 1 > rankedDictionariesMaxWordSize[dictionaryName]! && !isWhole) continue;
              const rank = rankedDictionaries[dictionaryName]![word];
              if (rank === undefined) continue;
              const typed = asTyped(rewrite, i, j);
              hasFullMatch ||= typed.i === 0 && typed.j === password.length - 1;
              const token = password.slice(typed.i, typed.j + 1);
              const known = matches.some(
                (match) =>
                  match.i === typed.i &&
                  match.j === typed.j &&
                  match.dictionaryName === dictionaryName &&
                  match.matchedWord === word,
              );
              if (token.toLowerCase() === word || known) continue;
              matches.push({
                pattern: 'dictionary',
                token,
                matchedWord: word,
                rank,
                dictionaryName,
                reversed: false,
                l33t: true,
                ...typed,
              });
            }
          }
        }
      }
      // As zxcvbn: a single look-alike character ("4" for "a") is noise.
      return matches.filter((match) => match.token.length > 1);
    };
  }
  return factory;
}

type Rewrite = ReturnType<typeof getCleanPasswords>[number];
type LookAlikeMatch = ReturnType<typeof asTyped> & {
  pattern: 'dictionary';
  token: string;
  matchedWord: string;
  rank: number;
  dictionaryName: string;
  reversed: false;
  l33t: true;
};

/** Where the rewrite's [i, j] lies in the password as typed, and the substitutions inside it (zxcvbn's getExtras). */
function asTyped(rewrite: Rewrite, i: number, j: number) {
  let typedI = i;
  let typedJ = j;
  const subs: { letter: string; substitution: string }[] = [];
  const seen = new Set<string>();
  for (const { i: at, letter, substitution } of rewrite.changes) {
    if (at < i) {
      typedI += substitution.length - letter.length;
      typedJ += substitution.length - letter.length;
    } else if (at <= j) {
      typedJ += substitution.length - letter.length;
      if (!seen.has(`${letter}-${substitution}`)) {
        seen.add(`${letter}-${substitution}`);
        subs.push({ letter, substitution });
      }
    }
  }
  const subDisplay = subs.map(({ letter, substitution }) => `${substitution} -> ${letter}`).join(', ');
  return { i: typedI, j: typedJ, subs, subDisplay };
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
  const result = estimatePasswordStrength(password, personal);
  if (result.score >= minimumScore) return undefined;
  if (usesDictionary(result, 'userInputs')) return "Don't build your password from your email address or name.";
  if (usesDictionary(result, commonPasswords)) {
    return 'This is one of the most common passwords. Choose something less predictable, like a few unrelated words.';
  }
  return 'This password is too easy to guess. Add a few more words or characters that are not a pattern.';
}

/** zxcvbn's estimate of the password, with the user's own address and name as words an attacker tries. */
export function estimatePasswordStrength(password: string, personal: string[]): ZxcvbnResult {
  return estimator().check(password, personalWords(personal));
}

function usesDictionary(result: ZxcvbnResult, dictionaryName: string): boolean {
  return result.sequence.some((match) => 'dictionaryName' in match && match.dictionaryName === dictionaryName);
}

/**
 * The address and name as a whole and in their parts ("ada.lovelace@example.com" gives
 * "ada.lovelace", "ada", "lovelace"...). The local part whole: as parts, "ada.lovelace" passed as
 * two words and a dot.
 */
export function personalWords(values: string[]): string[] {
  const words = values.flatMap((value) => [value, value.split('@')[0]!, ...value.split(/[^\p{L}\p{N}]+/u)]);
  return [...new Set(words.map((word) => word.toLowerCase()).filter((word) => word.length >= 3))];
}
