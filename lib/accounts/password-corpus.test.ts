import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { passwordMinLength } from './password-rules.ts';
import { signupFieldsSchema } from './signup-fields.ts';
import { signupSchema } from './signup-schema.ts';

// Issue 19: a cheaper strength check is welcome, a weaker one is not. This counts, per kind of weak
// password, how many the sign-up's rules refuse, and holds each count to what the code refused
// before anyone made the check cheaper. Every password here is at least 8 characters long, so what
// refuses it is the strength estimate, not the length rule.

type SignupAttempt = { email: string; password: string; name?: string };

// The address every impersonal password is tried with; its parts ("example", "com") are the words
// the estimate treats as the user's own, as for any sign-up.
const someone = 'a@example.com';

function impersonal(passwords: string[]): SignupAttempt[] {
  return passwords.map((password) => ({ email: someone, password }));
}

const isLongEnough = (password: string) => [...password].length >= passwordMinLength;

/** The most common passwords first (the list is in order of frequency), as long as the length rule allows. */
function commonPasswords(): SignupAttempt[] {
  return impersonal(common.dictionary['passwords-common'].filter(isLongEnough).slice(0, 300));
}

function keyboardWalks(): SignupAttempt[] {
  const rows = ['`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./'];
  const fromRows = rows.flatMap((row) => [row.slice(0, 10), row.slice(1, 9), [...row].reverse().join('').slice(0, 9)]);
  const walks = [
    ...fromRows,
    'qwertyuiop',
    'QWERTYUIOP',
    'Qwertyuiop!',
    'qwertyuiopasdfghjkl',
    'qwertyasdfgh',
    'qwerasdfzxcv',
    'qwerqwerqwer',
    'asdfasdfasdf',
    'asdfghjkl;',
    'zxcvbnm,./',
    'zxcvbnmasdfghjkl',
    '1qaz2wsx3edc',
    '1qaz2wsx3edc4rfv',
    '!QAZ2wsx',
    '!QAZ@WSX#EDC',
    'zaq12wsxcde3',
    'zaq1xsw2cde3',
    'qazwsxedcrfv',
    'qazxswedcvfr',
    'wsxedcrfvtgb',
    '1q2w3e4r5t6y',
    'q1w2e3r4t5y6',
    '1q2w3e4r5t',
    'qweasdzxcrty',
    'qweasdzxc123',
    'poiuytrewq',
    'lkjhgfdsa;',
    'mnbvcxz,./',
    '0987654321',
    '=-0987654321',
    '!@#$%^&*()',
    '!@#$%^&*',
    '1234qwerasdf',
    'qwerty123456',
    '123456qwerty',
    'asdf1234zxcv',
    'qwertyuiop123',
    'zxcvbnm123',
    'plokijuhygtf',
    'mjunhybgtvfr',
    'qawsedrftgyh',
    'azertyuiop',
    'qsdfghjklm',
    'wxcvbn,;:!',
    'qwertzuiop',
    'yxcvbnm,.-',
    'aoeuidhtns',
    "',.pyfgcrl",
    '789456123',
    '7894561230',
    '147258369',
    '159357159357',
    '963852741',
    '74108520963',
  ];
  return impersonal([...new Set(walks)]);
}

function repeatedAndSequential(): SignupAttempt[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  const digits = '01234567890123456789';
  const repeated = ['a', 'z', 'x', 'A', '1', '0', '9', '!', '*', '.'].flatMap((c) => [c.repeat(8), c.repeat(12)]);
  const units = ['ab', 'abc', 'xyz', 'abcd', '12', '123', '1234', '007', 'aa1', 'ha', 'lol', 'Ab1!', 'qq', '69'];
  const repeatedUnits = units.map((unit) => unit.repeat(Math.ceil(10 / unit.length)));
  const runs = [0, 3, 7, 12, 17].flatMap((start) => {
    const forward = alphabet.slice(start, start + 9);
    return [forward, [...forward].reverse().join(''), forward.toUpperCase()];
  });
  const numberRuns = [0, 1, 2, 5].flatMap((start) => {
    const forward = digits.slice(start, start + 10);
    return [forward, [...forward].reverse().join(''), forward.slice(0, 8)];
  });
  const mixed = [
    'abcdefghij',
    'abcdefghijklmnop',
    'abcdefghijklmnopqrstuvwxyz',
    '12345678',
    '123456789',
    '1234567890',
    '98765432',
    '9876543210',
    '0123456789',
    'acegikmoqs',
    '13579135',
    '2468024680',
    '11223344',
    '112233445566',
    'aabbccdd',
    'aaaabbbb',
    '12341234',
    'abcd1234',
    '1234abcd',
    'abc12345',
    'abcabc123',
    '123abc123abc',
    'a1b2c3d4e5',
    'aaa111aaa111',
    '1111aaaa',
    '10203040',
  ];
  return impersonal([...new Set([...repeated, ...repeatedUnits, ...runs, ...numberRuns, ...mixed])]);
}

// The fourteen small lists zxcvbn-ts v4 matches as sequences ("monday tuesday"); issue 5 counted the
// passwords built from them when it measured what dropping them would cost.
const wordSequenceLists = [
  'cardinalNumbers-en',
  'ordinalNumbers-en',
  'daysOfWeek-en',
  'months-en',
  'seasons-en',
  'timePeriods-en',
  'rainbowColors-en',
  'directions-en',
  'intermediateDirections-en',
  'sizeProgression-en',
  'militaryAlphabet-en',
  'planets-en',
  'zodiacSigns-en',
  'chineseZodiac-en',
] as const;

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** Two to four consecutive words of each list, forward and backward, in the ways people join them. */
function wordSequences(): SignupAttempt[] {
  // Every other run, and every other one of those backward too, keeps the test within a unit suite's time.
  const joins = [
    (words: string[]) => words.join(''),
    (words: string[]) => words.join(' '),
    (words: string[]) => words.join('-'),
    (words: string[]) => words.map(capitalised).join(''),
  ];
  const passwords = wordSequenceLists.flatMap((list) => {
    const words = english.dictionary[list];
    return [2, 3, 4].flatMap((count) =>
      Array.from({ length: Math.ceil((words.length - count + 1) / 2) }, (_, index) => {
        const run = words.slice(index * 2, index * 2 + count);
        // Every list and length gets every way of joining, without trying each run four times.
        const join = joins[(index + count) % joins.length]!;
        return index % 2 === 0 ? [join(run), join([...run].reverse())] : [join(run)];
      }).flat(),
    );
  });
  return impersonal([...new Set(passwords.filter(isLongEnough))]);
}

// Surnames and local parts from none of the estimator's dictionaries (the first names are common ones),
// so only the address and name given with the password, the estimate's user inputs, show what a
// password built from them was built from.
const people = [
  { email: 'mira.quenthorpe@example.com', name: 'Mira Quenthorpe' },
  { email: 'zanzibarian@example.com', name: 'Tobias Varnholt' },
  { email: 'oyelaran.k@example.net', name: 'Kehinde Oyelaran' },
  { email: 'przybylowska77@example.org', name: 'Ilona Przybylowska' },
  { email: 'thandeka.mbokazi@example.co.za', name: 'Thandeka Mbokazi' },
  { email: 'velloric@example.com', name: 'Anouk Velloric' },
  { email: 'd.strandqvist@example.se', name: 'Dagny Strandqvist' },
  { email: 'ferreirinha.lu@example.pt', name: 'Luana Ferreirinha' },
];

const reversed = (text: string) => [...text].reverse().join('');
const l33t = (text: string) => text.replace(/a/g, '@').replace(/e/g, '3').replace(/o/g, '0').replace(/i/g, '1');

/** What people make of their own address and name: the local part plus digits, the name reversed, name and year... */
function personalPasswords(): SignupAttempt[] {
  return people.flatMap(({ email, name }) => {
    const localPart = email.slice(0, email.indexOf('@'));
    const [first = '', last = ''] = name.split(' ');
    const passwords = [
      localPart,
      `${localPart}1`,
      `${localPart}123`,
      `${localPart}2024`,
      `${capitalised(localPart)}!`,
      reversed(localPart),
      email,
      `${first}${last}`,
      `${last}${first}`,
      `${first.toLowerCase()}.${last.toLowerCase()}`,
      `${last}1990`,
      `${last}${last}`,
      `${capitalised(last.toLowerCase())}!1`,
      reversed(name),
      reversed(last.toLowerCase()),
      l33t(last.toLowerCase()),
      `${first}1985`,
      `${first.toLowerCase()}${last.toLowerCase()}01`,
    ];
    return [...new Set(passwords.filter(isLongEnough))].map((password) => ({ email, password, name }));
  });
}

/** A seeded generator (mulberry32), so the strong passwords are random-looking yet the same every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Passphrases of four unrelated words and random 16-character strings: what the policy must let through. */
function strongPasswords(): SignupAttempt[] {
  const random = seededRandom(19);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const diceware = common.dictionary['diceware-common'];
  const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i));
  const passphrases = Array.from({ length: 30 }, (_, i) =>
    Array.from({ length: 4 }, () => pick(diceware)).join(i % 2 === 0 ? ' ' : '-'),
  );
  const randomStrings = Array.from({ length: 30 }, () => Array.from({ length: 16 }, () => pick(printable)).join(''));
  return impersonal([...passphrases, ...randomStrings]);
}

const weakCorpus = {
  'common passwords': commonPasswords(),
  'keyboard walks': keyboardWalks(),
  'repeated and sequential characters': repeatedAndSequential(),
  'word sequences': wordSequences(),
  "the user's own address and name": personalPasswords(),
};

type Category = keyof typeof weakCorpus;

// Measured on the code before any optimisation of the strength check (commit 8b44c66: zxcvbn-ts
// 4.2.0 with the common and English dictionaries, maxLength 64, l33tMaxSubstitutions 4). A change
// may raise these counts but never lower them; a change to the corpus changes the totals and needs
// the counts measured again on the old code. What the old code let through is the floor's gap, not a
// goal: a dotted local part ("mira.quenthorpe", with or without digits), ordinals and teens in long
// runs, and a few diagonal keyboard walks. The corpus comes from the @zxcvbn-ts packages; a check that
// drops them keeps them for this test or freezes the corpus into a fixture first.
const refusedToday: Record<Category, { refused: number; total: number }> = {
  'common passwords': { refused: 300, total: 300 },
  'keyboard walks': { refused: 58, total: 63 },
  'repeated and sequential characters': { refused: 83, total: 83 },
  'word sequences': { refused: 251, total: 294 },
  "the user's own address and name": { refused: 103, total: 139 },
};
// Measured on the same code: the strong passwords it accepted. A check that refuses everything would
// pass every floor above; this one it cannot.
const acceptedToday = { accepted: 60, total: 60 };

/** Whether sign-up, with all its rules (signupSchema is what parseSignup answers), refuses this password. */
function refusesPassword(attempt: SignupAttempt): boolean {
  const result = signupSchema.safeParse(attempt);
  return !result.success && z.flattenError(result.error).fieldErrors.password !== undefined;
}

describe('the password policy against a corpus of weak passwords', () => {
  it('tries only well-formed sign-ups, so what refuses each password is the strength estimate', () => {
    for (const attempt of [...Object.values(weakCorpus).flat(), ...strongPasswords()]) {
      expect(signupFieldsSchema.safeParse(attempt).success, attempt.password).toBe(true);
    }
  });

  it.each(Object.keys(weakCorpus) as Category[])('refuses no fewer than before: %s', (category) => {
    const attempts = weakCorpus[category];
    const accepted = attempts.filter((attempt) => !refusesPassword(attempt)).map((attempt) => attempt.password);
    const refused = attempts.length - accepted.length;
    const floor = refusedToday[category];
    console.log(`${category}: ${refused}/${attempts.length} refused (before: ${floor.refused}/${floor.total})`);
    expect(attempts.length, 'the corpus the floor was measured on').toBe(floor.total);
    expect(refused, `accepted: ${JSON.stringify(accepted)}`).toBeGreaterThanOrEqual(floor.refused);
  });

  it('still accepts strong passwords', () => {
    const attempts = strongPasswords();
    const refused = attempts.filter(refusesPassword).map((attempt) => attempt.password);
    const accepted = attempts.length - refused.length;
    console.log(
      `strong passwords: ${accepted}/${attempts.length} accepted (before: ${acceptedToday.accepted}/${acceptedToday.total})`,
    );
    expect(attempts.length, 'the corpus the floor was measured on').toBe(acceptedToday.total);
    expect(accepted, `refused: ${JSON.stringify(refused)}`).toBeGreaterThanOrEqual(acceptedToday.accepted);
  });
});
