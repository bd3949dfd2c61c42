import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signupSchema } from './signup-schema.ts';

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

  it('bounds the password length in characters, after NFKC normalisation', () => {
    expect(fieldErrors({ email: 'a@example.com', password: 'short' }).password).toEqual(['Use at least 8 characters.']);
    expect(fieldErrors({ email: 'a@example.com', password: 'x'.repeat(257) }).password).toEqual([
      'Use at most 256 characters.',
    ]);
    // Eight emoji are eight characters, though sixteen UTF-16 units.
    expect(fieldErrors({ email: 'a@example.com', password: '🦊🐙🦉🐝🦔🐢🦎🐌' }).password).toBeUndefined();
    // Full-width letters are their ASCII twins after NFKC, and the decomposed é is the composed one.
    expect(signupSchema.parse({ email: 'a@example.com', password: 'ｃｏｒｒｅｃｔ horse' }).password).toBe(
      'correct horse',
    );
    expect(signupSchema.parse({ email: 'a@example.com', password: 'cafe\u0301 zanzibar' }).password).toBe(
      'caf\u00e9 zanzibar',
    );
  });

  it('refuses the most common passwords, and says why', () => {
    for (const password of ['password1', 'qwertyuiop', '12345678', 'iloveyou', 'P@ssw0rd!']) {
      expect(fieldErrors({ email: 'a@example.com', password }).password, password).toHaveLength(1);
    }
    expect(fieldErrors({ email: 'a@example.com', password: 'password1' }).password).toEqual([
      'This is one of the most common passwords. Choose something less predictable, like a few unrelated words.',
    ]);
  });

  it('sees through look-alike spellings of words and names', () => {
    for (const password of ['Sh@k3sp3ar3', 'j0hn5m1th', 'm0nk3yb@n@n@']) {
      expect(fieldErrors({ email: 'a@example.com', password }).password, password).toHaveLength(1);
    }
  });

  it("refuses a password built from the user's own address or name", () => {
    const personal = "Don't build your password from your email address or name.";
    expect(fieldErrors({ email: 'zanzibarian@example.com', password: 'zanzibarian' }).password).toEqual([personal]);
    expect(
      fieldErrors({ email: 'a@example.com', password: 'Quenthorpe1990', name: 'Mira Quenthorpe' }).password,
    ).toEqual([personal]);
  });

  it('strips control and format characters from the name and bounds its length', () => {
    expect(
      signupSchema.parse({ email: 'a@example.com', password: 'long enough', name: 'Ada\r\nBcc: x\u202e\u0000 ' }).name,
    ).toBe('Ada Bcc: x');
    expect(fieldErrors({ email: 'a@example.com', password: 'long enough', name: 'é'.repeat(101) }).name).toEqual([
      'Use at most 100 characters.',
    ]);
  });

  it('refuses markup in the name', () => {
    expect(
      fieldErrors({ email: 'a@example.com', password: 'long enough', name: '<script>alert(1)</script>' }).name,
    ).toEqual(['Leave out < and >.']);
  });

  it('rejects a file, a number or a list where text belongs', () => {
    const file = new File(['x'], 'x.txt');
    expect(fieldErrors({ email: file, password: 'long enough' }).email).toBeDefined();
    expect(fieldErrors({ email: ['a@example.com'], password: 12345678, name: {} })).toEqual({
      email: ['Enter your email address.'],
      password: ['Choose a password.'],
      name: ['Enter your name as text.'],
    });
  });

  it('reports every bad field at once', () => {
    expect(Object.keys(fieldErrors({ email: 'nope', password: '', name: 'x'.repeat(101) })).sort()).toEqual([
      'email',
      'name',
      'password',
    ]);
  });
});
