import { verify } from '@node-rs/argon2';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseSignup } from './parse-signup.server.ts';
import { signupSchema } from './signup-schema.ts';

// What started when: the hash on the thread pool, the strength estimate on this thread.
const { events, recording } = vi.hoisted(() => {
  const events: string[] = [];
  const recording =
    <A extends unknown[], R>(event: string, run: (...args: A) => R) =>
    (...args: A): R => {
      events.push(event);
      return run(...args);
    };
  return { events, recording };
});

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const argon2 = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...argon2, hash: recording('hash started', argon2.hash) };
});

vi.mock('./password-strength.ts', async (importOriginal) => {
  const strength = await importOriginal<typeof import('./password-strength.ts')>();
  return { ...strength, passwordWeakness: recording('estimate started', strength.passwordWeakness) };
});

describe('parseSignup', () => {
  it('answers as signupSchema does, and hashes the normalised password of a valid sign-up', async () => {
    const fields = { email: ' Ada@Example.COM ', password: 'ｃｏｒｒｅｃｔ horse', name: 'Ada' };
    const parsed = await parseSignup(fields);
    if (!parsed.success) throw new Error('expected a valid sign-up');
    expect(parsed.data).toEqual(signupSchema.parse(fields));
    expect(await verify(await parsed.passwordHash, 'correct horse')).toBe(true);
  });

  it('has the hash running before the strength estimate takes the thread, so the two overlap', async () => {
    events.length = 0;
    const parsed = await parseSignup({ email: 'ada@example.com', password: 'correct horse battery' });
    if (!parsed.success) throw new Error('expected a valid sign-up');
    await parsed.passwordHash;
    expect(events).toEqual(['hash started', 'estimate started']);
  });

  it('gives the field errors signupSchema gives, for malformed fields and for a weak password', async () => {
    for (const fields of [
      { email: 'not-an-address', password: 'short' },
      { email: 'ada@example.com', password: 'password1' },
      { email: 'ada.lovelace@example.com', password: 'lovelace1815', name: 'Ada Lovelace' },
    ]) {
      const parsed = await parseSignup(fields);
      const expected = signupSchema.safeParse(fields);
      expect(parsed.success).toBe(false);
      expect(expected.success).toBe(false);
      if (parsed.success || expected.success) continue;
      expect(z.flattenError(parsed.error).fieldErrors).toEqual(z.flattenError(expected.error).fieldErrors);
    }
  });
});
