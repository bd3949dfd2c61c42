import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { ImportState } from '../generated/prisma/enums.ts';
import { enqueue } from '../jobs/enqueue.server.ts';
import type { Logger } from '../logging/logger.server.ts';
import { importExpiryJob, importProcessJob } from './import-jobs.ts';
import type { ImportFormat } from './import-status.server.ts';
import type { ImportProcessing } from './import-processing-strategy.ts';

/** Bytes per stored chunk: a few of them in memory at a time, whatever the file's size. */
export const storedChunkBytes = 1024 * 1024;

export type UploadLimits = { maxBytes: number; metadataWaitSeconds: number };

export type UploadDeps = {
  /** node-postgres, not Prisma: the bytes go to PostgreSQL as binary parameters, never re-encoded. */
  uploads: pg.Pool;
  boss: PgBoss;
  limits: UploadLimits;
  processing: ImportProcessing;
};

export type Upload = {
  apiKeyId: string;
  format: ImportFormat;
  /** The client's Idempotency-Key, checked by the door. */
  idempotencyKey?: string;
  /** The sha-256 of the client's Repr-Digest, to check against what arrives. */
  expectedSha256?: Buffer;
  body: AsyncIterable<Uint8Array>;
};

export type UploadResult =
  /** The file and its job are committed; `replayed` for a retry that found the import it made. */
  | { status: 'accepted'; importId: string; state: ImportState; sha256: Buffer; replayed: boolean }
  | { status: 'too-large' }
  | { status: 'empty' }
  | { status: 'digest-mismatch'; sha256: Buffer }
  /** The Idempotency-Key names an import of another file (422). */
  | { status: 'key-reused'; importId: string }
  /** A request with the same Idempotency-Key is still uploading (409). */
  | { status: 'in-flight' };

/**
 * The web process's connections for uploads: each upload holds one, in its transaction, for as long
 * as its body takes to arrive, so this many uploads run at once per web process and more wait for a
 * connection (then fail with "try again"). A client that stalls mid-upload is cut off by PostgreSQL.
 */
export function createUploadPool(databaseUrl: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    connectionTimeoutMillis: 10_000,
    application_name: 'signup-uploads',
    options: '-c idle_in_transaction_session_timeout=300000',
  });
  // An idle client that loses its connection emits 'error'; unhandled, it would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'upload pool error'));
  return pool;
}

/**
 * Stores an uploaded file: its bytes in chunks as they arrive, then its record and its jobs, all in
 * one transaction, so that an accepted upload is safe however soon the workers look at it and a
 * refused or broken-off one leaves nothing behind. Only the limits are checked here; everything the
 * file says is read by the worker (or, in the benchmark's baseline, after the commit, see
 * ImportProcessing). An Idempotency-Key is held by an advisory lock for the whole upload: a second
 * request with it finds the lock taken and is told so at once.
 */
export async function receiveUpload(deps: UploadDeps, upload: Upload): Promise<UploadResult> {
  const client = await deps.uploads.connect();
  let result: UploadResult;
  try {
    await client.query('BEGIN');
    result = await storeInTransaction(client, deps, upload);
    // Anything but a new import leaves nothing behind.
    await client.query(result.status === 'accepted' && !result.replayed ? 'COMMIT' : 'ROLLBACK');
  } catch (error) {
    // A broken-off body or a failed statement: the connection may be mid-transaction, so the pool
    // drops it rather than hand it out again (PostgreSQL rolls back what it had).
    client.release(true);
    throw error;
  }
  client.release();
  if (result.status === 'accepted' && !result.replayed && deps.processing.mode === 'in-request') {
    return { ...result, state: (await deps.processing.run(result.importId)) ?? result.state };
  }
  return result;
}

async function storeInTransaction(client: pg.ClientBase, deps: UploadDeps, upload: Upload): Promise<UploadResult> {
  const { apiKeyId, idempotencyKey } = upload;
  if (idempotencyKey !== undefined) {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
      [`import:${apiKeyId}:${idempotencyKey}`],
    );
    if (!rows[0]?.locked) return { status: 'in-flight' };
    const earlier = await client.query<Earlier>(
      'SELECT id, state, body_sha256 FROM imports WHERE api_key_id = $1 AND idempotency_key = $2',
      [apiKeyId, idempotencyKey],
    );
    const found = earlier.rows[0];
    // A retry: the body is read again only to compare it with the first one's.
    if (found) return replay(found, upload, deps.limits.maxBytes);
  }

  const importId = randomUUID();
  // The digest is known only at the end: the row goes in first so that the chunks can name it.
  await client.query(
    `INSERT INTO imports (id, api_key_id, format, idempotency_key, body_sha256, bytes)
     VALUES ($1, $2, $3, $4, '\\x', 0)`,
    [importId, apiKeyId, upload.format, idempotencyKey ?? null],
  );
  const hash = createHash('sha256');
  let bytes = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // One chunk's insert runs while the next chunk arrives: at most two chunks in memory.
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await inFlight;
    seq += 1;
    inFlight = client.query('INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)', [
      importId,
      seq,
      data,
    ]);
    // Awaited before the next insert or the commit; until then a failure must not count as unhandled.
    inFlight.catch(() => {});
  };
  for await (const piece of upload.body) {
    bytes += piece.byteLength;
    if (bytes > deps.limits.maxBytes) return { status: 'too-large' };
    hash.update(piece);
    pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    pendingBytes += piece.byteLength;
    if (pendingBytes >= storedChunkBytes) await flush();
  }
  if (pendingBytes > 0) await flush();
  await inFlight;
  if (bytes === 0) return { status: 'empty' };
  const sha256 = hash.digest();
  if (upload.expectedSha256 && !sha256.equals(upload.expectedSha256)) return { status: 'digest-mismatch', sha256 };

  await client.query('UPDATE imports SET body_sha256 = $2, bytes = $3 WHERE id = $1', [importId, sha256, bytes]);
  if (deps.processing.mode === 'deferred') await enqueue(deps.boss, importProcessJob, { importId }, { tx: client });
  // An import whose metadata never comes fails at its deadline; the job does nothing if it came.
  await enqueue(deps.boss, importExpiryJob, { importId }, { tx: client, startAfter: deps.limits.metadataWaitSeconds });
  return { status: 'accepted', importId, state: 'received', sha256, replayed: false };
}

type Earlier = { id: string; state: ImportState; body_sha256: Buffer };

async function replay(earlier: Earlier, upload: Upload, maxBytes: number): Promise<UploadResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of upload.body) {
    bytes += piece.byteLength;
    if (bytes > maxBytes) return { status: 'too-large' };
    hash.update(piece);
  }
  const sha256 = hash.digest();
  if (upload.expectedSha256 && !sha256.equals(upload.expectedSha256)) return { status: 'digest-mismatch', sha256 };
  if (!sha256.equals(earlier.body_sha256)) return { status: 'key-reused', importId: earlier.id };
  return { status: 'accepted', importId: earlier.id, state: earlier.state, sha256, replayed: true };
}
