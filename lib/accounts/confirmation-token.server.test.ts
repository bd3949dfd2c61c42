import { describe, expect, it } from 'vitest';
import { generateConfirmationToken, hashConfirmationToken } from './confirmation-token.server.ts';

describe('confirmation tokens', () => {
  it('are 32 random bytes in URL-safe base64', () => {
    const token = generateConfirmationToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateConfirmationToken));
    expect(tokens.size).toBe(1000);
  });

  it('hash to a stable SHA-256 digest that differs from the token', () => {
    const token = generateConfirmationToken();
    const digest = hashConfirmationToken(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(hashConfirmationToken(token));
    expect(digest).not.toContain(token);
    expect(hashConfirmationToken(generateConfirmationToken())).not.toBe(digest);
  });
});
