import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { PgBoss } from 'pg-boss';
import type { ImportState } from '../generated/prisma/enums.ts';
import { enqueue } from '../jobs/enqueue.server.ts';
import type { Logger } from '../logging/logger.server.ts';
import { importExpiryJob, importProcessJob } from './import-jobs.ts';
import type { ImportFormat } from './import-status.server.ts';
import type { ImportProcessing } from './import-processing-strategy.ts';

/** Bytes per stored chunk: at most one of them in memory at a time, whatever the file's size. */
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
  const stored = await readBody(upload.body, deps.limits.maxBytes, (pieces) => storeChunks(client, importId, pieces));
  if (stored.status === 'too-large') return stored;
  const { bytes, sha256 } = stored;
  if (bytes === 0) return { status: 'empty' };
  if (upload.expectedSha256 && !sha256.equals(upload.expectedSha256)) return { status: 'digest-mismatch', sha256 };

  await client.query('UPDATE imports SET body_sha256 = $2, bytes = $3 WHERE id = $1', [importId, sha256, bytes]);
  if (deps.processing.mode === 'deferred') await enqueue(deps.boss, importProcessJob, { importId }, { tx: client });
  // An import whose metadata never comes fails at its deadline; the job does nothing if it came.
  await enqueue(deps.boss, importExpiryJob, { importId }, { tx: client, startAfter: deps.limits.metadataWaitSeconds });
  return { status: 'accepted', importId, state: 'received', sha256, replayed: false };
}

/** Thrown inside the body's reading to stop it; never leaves readBody. */
class TooLarge extends Error {}

type BodyRead = { status: 'read'; bytes: number; sha256: Buffer } | { status: 'too-large' };

/**
 * The one reading of a body, whether it is stored or only compared (a retry's): `consume` gets its
 * pieces as they arrive, each counted against the size limit and hashed on the way, and a body past
 * the limit stops it at once.
 */
async function readBody(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  consume: (pieces: AsyncIterable<Buffer>) => Promise<void>,
): Promise<BodyRead> {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* pieces(): AsyncGenerator<Buffer> {
    for await (const piece of body) {
      bytes += piece.byteLength;
      if (bytes > maxBytes) throw new TooLarge();
      hash.update(piece);
      yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    }
  }
  try {
    await consume(pieces());
  } catch (error) {
    if (error instanceof TooLarge) return { status: 'too-large' };
    throw error;
  }
  return { status: 'read', bytes, sha256: hash.digest() };
}

/**
 * Streams the body into import_chunks with one COPY in PostgreSQL's binary format: each piece goes
 * to the connection as it came from the request, where an INSERT per chunk would first join its
 * pieces and node-postgres copy the result twice more into its message. Those copies of every
 * megabyte made the web process collect garbage for longer than it spent on anything else while a
 * large file arrived (docs/benchmark-method.md, 2026-12-07). A chunk's row is written once its
 * length is known: at most one chunk of the body is held, whatever the file's size.
 */
async function storeChunks(client: pg.ClientBase, importId: string, pieces: AsyncIterable<Buffer>): Promise<void> {
  const idBytes = Buffer.from(importId.replaceAll('-', ''), 'hex');
  async function* copyData(): AsyncGenerator<Buffer> {
    yield binaryCopyHeader;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    function* row(): Generator<Buffer> {
      seq += 1;
      yield chunkRowHeader(idBytes, seq, pendingBytes);
      yield* pending;
      pending = [];
      pendingBytes = 0;
    }
    for await (let rest of pieces) {
      while (pendingBytes + rest.byteLength >= storedChunkBytes) {
        const fits = storedChunkBytes - pendingBytes;
        pending.push(rest.subarray(0, fits));
        pendingBytes += fits;
        rest = rest.subarray(fits);
        yield* row();
      }
      if (rest.byteLength > 0) {
        pending.push(rest);
        pendingBytes += rest.byteLength;
      }
    }
    if (pendingBytes > 0) yield* row();
    yield binaryCopyTrailer;
  }
  // A failure on either side destroys the COPY, which tells PostgreSQL to abandon it.
  await pipeline(
    copyData,
    client.query(copyFrom('COPY import_chunks (import_id, seq, data) FROM STDIN (FORMAT binary)')),
  );
}

// PostgreSQL's binary COPY format: a signature, no flags and no header extension; each row its
// field count, then each field's length and bytes; -1 as the field count at the end.
const binaryCopyHeader = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const binaryCopyTrailer = Buffer.from([0xff, 0xff]);

/** A chunk's row up to its data: (import_id uuid, seq int4, data bytea of `dataBytes`). */
function chunkRowHeader(idBytes: Buffer, seq: number, dataBytes: number): Buffer {
  const header = Buffer.alloc(2 + 4 + 16 + 4 + 4 + 4);
  let offset = header.writeInt16BE(3, 0);
  offset = header.writeInt32BE(16, offset);
  offset += idBytes.copy(header, offset);
  offset = header.writeInt32BE(4, offset);
  offset = header.writeInt32BE(seq, offset);
  header.writeInt32BE(dataBytes, offset);
  return header;
}

type Earlier = { id: string; state: ImportState; body_sha256: Buffer };

async function replay(earlier: Earlier, upload: Upload, maxBytes: number): Promise<UploadResult> {
  const read = await readBody(upload.body, maxBytes, (pieces) => finished(Readable.from(pieces).resume()));
  if (read.status === 'too-large') return read;
  const { sha256 } = read;
  if (upload.expectedSha256 && !sha256.equals(upload.expectedSha256)) return { status: 'digest-mismatch', sha256 };
  if (!sha256.equals(earlier.body_sha256)) return { status: 'key-reused', importId: earlier.id };
  return { status: 'accepted', importId: earlier.id, state: earlier.state, sha256, replayed: true };
}
