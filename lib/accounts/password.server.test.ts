import { availableParallelism } from 'node:os';
import { verify } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword } from './password.server.ts';

describe('hashPassword', () => {
  it("hashes with argon2id at OWASP's parameters", async () => {
    const passwordHash = await hashPassword('correct horse battery staple');
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(passwordHash, 'correct horse battery staple')).toBe(true);
    expect(await verify(passwordHash, 'wrong password')).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('hashes any number of passwords asked for at once, each to its own hash', async () => {
    const passwords = Array.from({ length: availableParallelism() * 3 }, (_, index) => `password number ${index}`);
    const hashes = await Promise.all(passwords.map((password) => hashPassword(password)));
    await Promise.all(
      hashes.map(async (passwordHash, index) => expect(await verify(passwordHash, passwords[index]!)).toBe(true)),
    );
  });
});
