import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatReprDigest, parseReprDigest } from './repr-digest.ts';

const digest = createHash('sha256').update('email\na@example.com\n').digest();

describe('parseReprDigest', () => {
  it('reads the sha-256 member, among others, and round-trips what formatReprDigest writes', () => {
    expect(parseReprDigest(formatReprDigest(digest))).toEqual({ status: 'sha-256', digest });
    const sha512 = createHash('sha512').update('x').digest('base64');
    expect(parseReprDigest(`sha-512=:${sha512}:, ${formatReprDigest(digest)}`)).toEqual({ status: 'sha-256', digest });
  });

  it('has nothing to check without the header or without sha-256', () => {
    expect(parseReprDigest(null)).toEqual({ status: 'absent' });
    expect(parseReprDigest(`sha-512=:${createHash('sha512').update('x').digest('base64')}:`)).toEqual({
      status: 'absent',
    });
  });

  it('refuses what is not a digest dictionary, or a sha-256 of the wrong length', () => {
    for (const header of ['sha-256=abc', 'sha-256=:not base64:', 'sha-256=:AAAA:', 'garbage']) {
      expect(parseReprDigest(header)).toEqual({ status: 'malformed' });
    }
  });
});
