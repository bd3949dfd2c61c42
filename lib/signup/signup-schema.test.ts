import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normalizeEmail, signupSchema } from './signup-schema.ts';

function fieldErrors(input: unknown) {
  const result = signupSchema.safeParse(input);
  return result.success ? {} : z.flattenError(result.error).fieldErrors;
}

describe('signupSchema', () => {
  it('accepts a valid sign-up and normalises the address', () => {
    expect(signupSchema.parse({ email: '  Ada@Example.COM ', password: 'correct horse', name: ' Ada ' })).toEqual({
      email: 'ada@example.com',
      password: 'correct horse',
      name: 'Ada',
    });
  });

  it('treats a blank name as no name', () => {
    expect(signupSchema.parse({ email: 'a@example.com', password: 'long enough', name: '   ' }).name).toBeUndefined();
    expect(signupSchema.parse({ email: 'a@example.com', password: 'long enough' }).name).toBeUndefined();
  });

  it('explains a missing or malformed address', () => {
    expect(fieldErrors({ email: '', password: 'long enough' }).email).toEqual(['Enter your email address.']);
    expect(fieldErrors({ password: 'long enough' }).email).toEqual(['Enter your email address.']);
    expect(fieldErrors({ email: 'not-an-address', password: 'long enough' }).email).toEqual([
      'Enter a valid email address, like name@example.com.',
    ]);
  });

  it('bounds the password length', () => {
    expect(fieldErrors({ email: 'a@example.com', password: 'short' }).password).toEqual(['Use at least 8 characters.']);
    expect(fieldErrors({ email: 'a@example.com', password: 'x'.repeat(257) }).password).toEqual([
      'Use at most 256 characters.',
    ]);
    expect(fieldErrors({ email: 'a@example.com', password: 'x'.repeat(256) }).password).toBeUndefined();
  });

  it('rejects a file where text belongs', () => {
    const file = new File(['x'], 'x.txt');
    expect(fieldErrors({ email: file, password: 'long enough' }).email).toBeDefined();
  });

  it('reports every bad field at once', () => {
    expect(Object.keys(fieldErrors({ email: 'nope', password: '', name: 'x'.repeat(101) })).sort()).toEqual([
      'email',
      'name',
      'password',
    ]);
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  MiXeD@Example.Org\t')).toBe('mixed@example.org');
  });
});
