import { verify } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseSignup } from './parse-signup.server.ts';
import { signupSchema } from './signup-schema.ts';

describe('parseSignup', () => {
  it('answers as signupSchema does, and hashes the normalised password of a valid sign-up', async () => {
    const fields = { email: ' Ada@Example.COM ', password: 'ｃｏｒｒｅｃｔ horse', name: 'Ada' };
    const parsed = parseSignup(fields);
    if (!parsed.success) throw new Error('expected a valid sign-up');
    expect(parsed.data).toEqual(signupSchema.parse(fields));
    expect(await verify(await parsed.passwordHash, 'correct horse')).toBe(true);
  });

  it('gives the field errors signupSchema gives, for malformed fields and for a weak password', () => {
    for (const fields of [
      { email: 'not-an-address', password: 'short' },
      { email: 'ada@example.com', password: 'password1' },
      { email: 'ada.lovelace@example.com', password: 'lovelace1815', name: 'Ada Lovelace' },
    ]) {
      const parsed = parseSignup(fields);
      const expected = signupSchema.safeParse(fields);
      expect(parsed.success).toBe(false);
      expect(expected.success).toBe(false);
      if (parsed.success || expected.success) continue;
      expect(z.flattenError(parsed.error).fieldErrors).toEqual(z.flattenError(expected.error).fieldErrors);
    }
  });
});
