import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

export const confirmationTokenLifetimeMs = 24 * 60 * 60 * 1000;

/** 32 random bytes, URL-safe: the only copy ever made goes into the email. */
export function generateConfirmationToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored as SHA-256 digests. A salt or a slow hash would add nothing: the token carries
 * 256 bits of entropy, so the digest cannot be reversed, and a plain digest can be looked up by index.
 */
export function hashConfirmationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
