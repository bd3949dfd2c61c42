import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { describe, expect, it } from 'vitest';
import { estimatePasswordStrength, estimatorOptions, personalWords } from './password-strength.ts';

// zxcvbn as it ships, with the same settings: the merged word lists must change the cost, not the answer.
const stock = new ZxcvbnFactory(estimatorOptions);

const personal = ['ada.lovelace@example.com', 'Ada Lovelace'];
const commonPasswords = common.dictionary['passwords-common']!;
const words = ['monkey', 'dragon', 'sunshine', 'shakespeare', 'johnsmith', 'lovelace', 'zanzibar', 'elephant'];
const leet = (word: string) => word.replace(/a/g, '@').replace(/e/g, '3').replace(/o/g, '0').replace(/s/g, '5');
const reverse = (word: string) => [...word].reverse().join('');
// A fixed, seeded stream, so that a failure names a password that fails again.
let seed = 19;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const randomString = (length: number) =>
  Array.from({ length }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join('');

const corpus = [
  ...commonPasswords.filter((_, index) => index % 400 === 0),
  ...words.flatMap((word) => [word + '1987', leet(word), reverse(word), `${word} ${reverse(leet(word))} 12`]),
  'adalovelace1815',
  'ecalevol',
  'Ada.Lovelace!',
  'onetwothreefour',
  'mondaytuesdaywednesday',
  'redorangeyellowgreen',
  'januaryfebruarymarch',
  'mercury-venus-earth-mars',
  'FirstSecondThird',
  'eerhtowteno',
  'm0nd4ytu3sd4y',
  'spring summer autumn winter 7',
  'qwertyuiop',
  '1qaz2wsx3edc',
  'aaaaaaaaaa',
  'abcabcabcabc',
  '12345678',
  '2019-04-17',
  'bench password 1234',
  'correct horse battery staple',
  'Tr0ub4dor&3',
  // Look-alikes of more than one character, which move the rest of the password ("|_|" for u).
  'h|_|nter2000',
  '|<ingdom of |-|eaven',
  'co|)ebreaker()',
  'runningwoods4ever',
  'summ3r()cean vv1nd',
  '^^onkey^/izard',
  ...Array.from({ length: 25 }, (_, index) => randomString(8 + (index % 17))),
];

describe('the password-strength estimate', () => {
  it('scores every password of a varied corpus as zxcvbn itself does, to the guess', () => {
    const differences = corpus.flatMap((password) => {
      const ours = estimatePasswordStrength(password, personal);
      const theirs = stock.check(password, personalWords(personal));
      return ours.score === theirs.score && ours.guesses === theirs.guesses
        ? []
        : [{ password, ours: [ours.score, ours.guesses], theirs: [theirs.score, theirs.guesses] }];
    });
    expect(corpus.length).toBeGreaterThan(150);
    expect(differences).toEqual([]);
  });
});
