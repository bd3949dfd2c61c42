import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/database.server.ts';

/** A key's name, as an operator types it: what `list` shows and `revoke` takes. */
export const apiKeyNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'A key name is 1 to 64 letters, digits, dots, dashes or underscores.');

// A prefix makes a leaked key recognisable to secret scanners and to whoever finds it in a log.
const keyPrefix = 'imp_';

/**
 * A digest, as for tokens (ADR 036): the key carries 256 random bits, so SHA-256 cannot be reversed
 * and needs no salt, and the lookup is by index, so a wrong key takes the same path as a right one.
 */
function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export type CreatedApiKey = { status: 'created'; name: string; key: string } | { status: 'name-taken' };

/** Makes a key; its plaintext is returned here once and never stored. */
export async function createApiKey(db: Database, name: string): Promise<CreatedApiKey> {
  const key = `${keyPrefix}${randomBytes(32).toString('base64url')}`;
  const created = await db.apiKey.createManyAndReturn({
    data: { name, keyHash: hashKey(key) },
    skipDuplicates: true,
    select: { name: true },
  });
  return created.length === 1 ? { status: 'created', name, key } : { status: 'name-taken' };
}

export type ApiKeySummary = { name: string; createdAt: Date; revokedAt: Date | null; imports: number };

export async function listApiKeys(db: Database): Promise<ApiKeySummary[]> {
  const keys = await db.apiKey.findMany({
    orderBy: { createdAt: 'asc' },
    select: { name: true, createdAt: true, revokedAt: true, _count: { select: { imports: true } } },
  });
  return keys.map(({ _count, ...key }) => ({ ...key, imports: _count.imports }));
}

/** Revokes the key for good; its imports stay, and keep running. */
export async function revokeApiKey(db: Database, name: string): Promise<'revoked' | 'not-found'> {
  const { count } = await db.apiKey.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1 ? 'revoked' : 'not-found';
}

/**
 * The id of the live key an `Authorization: Bearer <key>` header carries, or undefined. A missing
 * or malformed header is hashed and looked up like any other, so every refusal costs the same.
 */
export async function authenticateApiKey(db: Database, authorization: string | null): Promise<string | undefined> {
  const key = /^Bearer ([\x21-\x7e]{1,200})$/.exec(authorization ?? '')?.[1] ?? '';
  const found = await db.apiKey.findUnique({ where: { keyHash: hashKey(key) }, select: { id: true, revokedAt: true } });
  return found && !found.revokedAt ? found.id : undefined;
}
