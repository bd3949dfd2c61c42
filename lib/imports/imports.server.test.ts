import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteUnconfirmedAccounts } from '../accounts/unconfirmed-accounts.server.ts';
import type { Database } from '../db/database.server.ts';
import type { Outbox } from '../email/outbox.server.ts';
import { sendBulkEmailJob } from '../email/send-email-job.ts';
import { createLogger } from '../logging/logger.server.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { authenticateApiKey, createApiKey, revokeApiKey } from './api-keys.server.ts';
import { importExpiryJob, importProcessJob } from './import-jobs.ts';
import type { ImportMetadata } from './import-metadata.ts';
import { submitMetadata } from './import-metadata.server.ts';
import { expireImport, processImport, type ImportSettings } from './import-processing.server.ts';
import { importRows } from './import-rows.server.ts';
import { cancelImport, deleteFinishedImports, findImport } from './import-status.server.ts';
import { createUploadPool, receiveUpload, storedChunkBytes, type Upload } from './import-upload.server.ts';

let db: Database;
let boss: PgBoss;
let outbox: Outbox;
let uploads: pg.Pool;
let url: string;
withTestServices((services) => ({ db, boss, outbox, url } = services));
beforeAll(() => {
  uploads = createUploadPool(url, createLogger('web'));
});
afterAll(() => uploads.end());

const settings: ImportSettings = { maxRows: 10_000, chunkRows: 100, metadataWaitSeconds: 3600 };
const limits = { maxBytes: 4 * storedChunkBytes, metadataWaitSeconds: 3600 };
const deps = () => ({ db, outbox, imports: settings });

let keyCount = 0;
async function newKey(): Promise<{ id: string; key: string }> {
  keyCount += 1;
  const created = await createApiKey(db, `key-${keyCount}`);
  if (created.status !== 'created') throw new Error('key not created');
  const id = await authenticateApiKey(db, `Bearer ${created.key}`);
  if (!id) throw new Error('key not found');
  return { id, key: created.key };
}

async function* chunks(file: string | Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = typeof file === 'string' ? Buffer.from(file) : file;
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

function upload(apiKeyId: string, file: string | Buffer, options: Partial<Upload> = {}) {
  return receiveUpload(
    { uploads, boss, limits, processing: { mode: 'deferred' } },
    { apiKeyId, format: 'csv', body: chunks(file), ...options },
  );
}

async function accepted(apiKeyId: string, file: string | Buffer, options: Partial<Upload> = {}): Promise<string> {
  const result = await upload(apiKeyId, file, options);
  if (result.status !== 'accepted') throw new Error(`upload ${result.status}`);
  return result.importId;
}

const metadata: ImportMetadata = { notify: 'invite', onConflict: 'skip', validateOnly: false };

async function submit(apiKeyId: string, importId: string, overrides: Partial<ImportMetadata> = {}) {
  return submitMetadata({ db, boss, processing: { mode: 'deferred' } }, apiKeyId, importId, {
    ...metadata,
    ...overrides,
  });
}

async function rowsOf(importId: string) {
  const rows = [];
  for await (const page of importRows(db, importId)) rows.push(...page);
  return rows;
}

function peopleCsv(count: number, tag: string, from = 1): string {
  const lines = Array.from(
    { length: count },
    (_, index) => `${tag}-${from + index}@example.com,Person ${from + index}`,
  );
  return `email,name\n${lines.join('\n')}\n`;
}

const storedImports = () => db.import.count();

describe('API keys', () => {
  it('finds a live key by its hash, and nothing for a missing, wrong, malformed or revoked one', async () => {
    const created = await createApiKey(db, 'keys-test');
    if (created.status !== 'created') throw new Error('key not created');
    expect(created.key).toMatch(/^imp_[A-Za-z0-9_-]{43}$/);
    expect(await db.apiKey.findUnique({ where: { name: 'keys-test' } })).not.toHaveProperty('key');
    expect(await authenticateApiKey(db, `Bearer ${created.key}`)).toEqual(expect.any(String));
    for (const header of [null, '', 'Bearer', `Bearer ${created.key}x`, `Basic ${created.key}`, 'Bearer \u00e9']) {
      expect(await authenticateApiKey(db, header)).toBeUndefined();
    }
    expect(await createApiKey(db, 'keys-test')).toEqual({ status: 'name-taken' });
    expect(await revokeApiKey(db, 'keys-test')).toBe('revoked');
    expect(await authenticateApiKey(db, `Bearer ${created.key}`)).toBeUndefined();
    expect(await revokeApiKey(db, 'keys-test')).toBe('not-found');
  });
});

describe('the upload', () => {
  it('stores the file in chunks with its jobs, in one transaction, and reports its sha-256', async () => {
    const { id: apiKeyId } = await newKey();
    // Larger than a stored chunk, so that it spans several.
    const file = Buffer.concat([Buffer.from(peopleCsv(1, 'big')), Buffer.alloc(storedChunkBytes + 10, 0x20)]);
    const result = await upload(apiKeyId, file);
    expect(result).toMatchObject({ status: 'accepted', state: 'received', replayed: false });
    if (result.status !== 'accepted') return;
    expect(result.sha256).toEqual(createHash('sha256').update(file).digest());
    const stored = await db.importChunk.findMany({ where: { importId: result.importId }, orderBy: { seq: 'asc' } });
    expect(stored.map((chunk) => chunk.seq)).toEqual([1, 2]);
    expect(Buffer.concat(stored.map((chunk) => chunk.data))).toEqual(file);
    expect(await findImport(db, apiKeyId, result.importId)).toMatchObject({ status: 'received', bytes: file.length });
    expect(await boss.findJobs(importProcessJob.name, { data: { importId: result.importId } })).toHaveLength(1);
    expect(await boss.findJobs(importExpiryJob.name, { data: { importId: result.importId } })).toHaveLength(1);
  });

  it('keeps nothing of an empty file, one over the size limit, or one whose digest does not match', async () => {
    const { id: apiKeyId } = await newKey();
    const before = await storedImports();
    const chunksBefore = await db.importChunk.count();
    expect(await upload(apiKeyId, '')).toEqual({ status: 'empty' });
    expect(await upload(apiKeyId, Buffer.alloc(limits.maxBytes + 1, 0x41))).toEqual({ status: 'too-large' });
    const wrong = createHash('sha256').update('another file').digest();
    const file = peopleCsv(2, 'digest');
    expect(await upload(apiKeyId, file, { expectedSha256: wrong })).toEqual({
      status: 'digest-mismatch',
      sha256: createHash('sha256').update(file).digest(),
    });
    expect(await storedImports()).toBe(before);
    expect(await db.importChunk.count()).toBe(chunksBefore);
    const right = createHash('sha256').update(file).digest();
    expect(await upload(apiKeyId, file, { expectedSha256: right })).toMatchObject({ status: 'accepted' });
  });

  it('keeps nothing of an upload whose body breaks off', async () => {
    const { id: apiKeyId } = await newKey();
    const before = await storedImports();
    async function* brokenOff(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(storedChunkBytes + 1, 0x41);
      throw new Error('the client went away');
    }
    await expect(upload(apiKeyId, '', { body: brokenOff() })).rejects.toThrow('the client went away');
    expect(await storedImports()).toBe(before);
  });

  it('gives a retry with the same Idempotency-Key and body the same import, and refuses another body with it', async () => {
    const { id: apiKeyId } = await newKey();
    const file = peopleCsv(3, 'idem');
    const first = await upload(apiKeyId, file, { idempotencyKey: 'upload-0001' });
    const again = await upload(apiKeyId, file, { idempotencyKey: 'upload-0001' });
    if (first.status !== 'accepted') throw new Error(first.status);
    expect(again).toMatchObject({ status: 'accepted', importId: first.importId, replayed: true });
    expect(await upload(apiKeyId, peopleCsv(3, 'other'), { idempotencyKey: 'upload-0001' })).toEqual({
      status: 'key-reused',
      importId: first.importId,
    });
    expect(await db.import.count({ where: { apiKeyId } })).toBe(1);
    // Another key's uploads do not share its Idempotency-Keys.
    const other = await newKey();
    expect(await upload(other.id, file, { idempotencyKey: 'upload-0001' })).toMatchObject({ replayed: false });
  });

  it('tells a second upload with the same Idempotency-Key that the first is still in flight', async () => {
    const { id: apiKeyId } = await newKey();
    let arrive: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('email\nslow@example.com\n');
      arrive();
      await finished;
    }
    const first = upload(apiKeyId, '', { idempotencyKey: 'slow-upload', body: slow() });
    await arrived;
    expect(await upload(apiKeyId, peopleCsv(1, 'slow'), { idempotencyKey: 'slow-upload' })).toEqual({
      status: 'in-flight',
    });
    finish();
    expect(await first).toMatchObject({ status: 'accepted' });
  });
});

describe('processing', () => {
  it('parses, waits for the metadata, then creates every valid user once with an invitation each', async () => {
    const { id: apiKeyId } = await newKey();
    const file = [
      'email,name',
      'ada@example.com,Ada',
      'not-an-address,Bad',
      'Ada@Example.com,Ada again',
      'bob@example.com,',
      'carol@example.com,Carol,extra',
    ].join('\r\n');
    const importId = await accepted(apiKeyId, file);
    expect(await processImport(deps(), importId)).toBe('awaiting_metadata');
    expect(await db.user.count({ where: { email: { in: ['ada@example.com', 'bob@example.com'] } } })).toBe(0);
    expect(await findImport(db, apiKeyId, importId)).toMatchObject({
      status: 'awaiting_metadata',
      counts: { rows: 5, created: 0, failed: 3 },
    });

    expect(await submit(apiKeyId, importId, { source: 'hr-system', batch: '2026-12' })).toMatchObject({
      status: 'accepted',
      import: { status: 'queued' },
    });
    expect(await processImport(deps(), importId)).toBe('completed_with_errors');
    const view = await findImport(db, apiKeyId, importId);
    expect(view).toMatchObject({
      status: 'completed_with_errors',
      counts: { rows: 5, created: 2, updated: 0, skipped: 0, failed: 3 },
      percent: 100,
      metadata: { source: 'hr-system', batch: '2026-12', notify: 'invite' },
    });
    expect(await rowsOf(importId)).toEqual([
      { line: 2, email: 'ada@example.com', name: 'Ada', outcome: 'created', reason: null },
      expect.objectContaining({ line: 3, outcome: 'failed', reason: expect.stringContaining('valid email') }),
      expect.objectContaining({ line: 4, outcome: 'failed', reason: expect.stringContaining('line 2') }),
      { line: 5, email: 'bob@example.com', name: null, outcome: 'created', reason: null },
      expect.objectContaining({ line: 6, outcome: 'failed', reason: expect.stringContaining('fields') }),
    ]);
    const ada = await db.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    expect(ada).toMatchObject({ name: 'Ada', passwordHash: null, confirmedAt: null });
    const deliveries = await db.emailDelivery.findMany({
      where: { user: { email: { in: ['ada@example.com', 'bob@example.com'] } } },
    });
    expect(deliveries.map((delivery) => delivery.kind)).toEqual(['invitation', 'invitation']);
    const queued = await boss.findJobs<{ deliveryIds: string[] }>(sendBulkEmailJob.name, { queued: true });
    const queuedIds = queued.flatMap((job) => job.data.deliveryIds);
    expect(deliveries.every((delivery) => queuedIds.filter((id) => id === delivery.id).length === 1)).toBe(true);
    expect(await db.importChunk.count({ where: { importId } })).toBe(0);
  });

  it('takes metadata that arrives during the parse and goes straight on; conflicting metadata is refused', async () => {
    const { id: apiKeyId } = await newKey();
    const importId = await accepted(apiKeyId, peopleCsv(3, 'early'));
    expect(await submit(apiKeyId, importId, { notify: 'none' })).toMatchObject({ import: { status: 'received' } });
    expect(await submit(apiKeyId, importId, { notify: 'none' })).toMatchObject({ status: 'accepted' });
    expect(await submit(apiKeyId, importId, { notify: 'confirm' })).toMatchObject({ status: 'conflict' });
    expect(await processImport(deps(), importId)).toBe('completed');
    expect(await db.emailDelivery.count({ where: { user: { email: { startsWith: 'early-' } } } })).toBe(0);
  });

  it('applies onConflict to addresses that have an account: skip, update the name, or fail the row', async () => {
    const { id: apiKeyId } = await newKey();
    await db.user.create({ data: { email: 'known-1@example.com', name: 'Old', passwordHash: 'x' } });
    for (const [onConflict, outcome, name] of [
      ['skip', 'skipped', 'Old'],
      ['fail', 'failed', 'Old'],
      ['update', 'updated', 'Person 1'],
    ] as const) {
      const importId = await accepted(apiKeyId, peopleCsv(1, 'known'));
      await submit(apiKeyId, importId, { onConflict, notify: 'none' });
      await processImport(deps(), importId);
      expect((await rowsOf(importId))[0]).toMatchObject({ outcome });
      expect(await db.user.findUniqueOrThrow({ where: { email: 'known-1@example.com' } })).toMatchObject({ name });
    }
  });

  it('reports every outcome of a dry run and creates nothing', async () => {
    const { id: apiKeyId } = await newKey();
    await db.user.create({ data: { email: 'dry-1@example.com', passwordHash: 'x' } });
    const importId = await accepted(apiKeyId, peopleCsv(3, 'dry'));
    await submit(apiKeyId, importId, { validateOnly: true });
    expect(await processImport(deps(), importId)).toBe('completed');
    expect((await rowsOf(importId)).map((row) => row.outcome)).toEqual(['skipped', 'created', 'created']);
    expect(await db.user.count({ where: { email: { startsWith: 'dry-' } } })).toBe(1);
    expect(await db.emailDelivery.count({ where: { user: { email: { startsWith: 'dry-' } } } })).toBe(0);
  });

  it('fails a file over the row limit, or without an email column, as a whole, with the reason', async () => {
    const { id: apiKeyId } = await newKey();
    const tooMany = await accepted(apiKeyId, peopleCsv(11, 'many'));
    expect(await processImport({ ...deps(), imports: { ...settings, maxRows: 10 } }, tooMany)).toBe('failed');
    expect(await findImport(db, apiKeyId, tooMany)).toMatchObject({
      reason: expect.stringContaining('more than 10 rows'),
    });
    const noEmail = await accepted(apiKeyId, 'mail,name\na@example.com,A\n');
    expect(await processImport(deps(), noEmail)).toBe('failed');
    expect(await findImport(db, apiKeyId, noEmail)).toMatchObject({ reason: expect.stringContaining('email column') });
    expect(await db.importRow.count({ where: { importId: { in: [tooMany, noEmail] } } })).toBe(0);
  });

  it('expires an import whose metadata never came', async () => {
    const { id: apiKeyId } = await newKey();
    const importId = await accepted(apiKeyId, peopleCsv(1, 'late'));
    await processImport(deps(), importId);
    expect(await expireImport(db, importId, 3600)).toBe(true);
    expect(await findImport(db, apiKeyId, importId)).toMatchObject({
      status: 'failed',
      reason: 'The metadata did not arrive within 60 minutes of the upload.',
    });
    expect(await submit(apiKeyId, importId)).toMatchObject({ status: 'conflict' });
    const withMetadata = await accepted(apiKeyId, peopleCsv(1, 'ontime'));
    await submit(apiKeyId, withMetadata);
    expect(await expireImport(db, withMetadata, 3600)).toBe(false);
  });

  it('resumes after a chunk died mid-way: no user, row or invitation twice', async () => {
    const { id: apiKeyId } = await newKey();
    const importId = await accepted(apiKeyId, peopleCsv(450, 'resume'));
    await submit(apiKeyId, importId);
    // A fault in the database itself, in the middle of the third chunk: its transaction rolls back
    // as a killed worker's or a restarted PostgreSQL's would.
    await db.$executeRawUnsafe(`
      CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.email = 'resume-250@example.com' THEN RAISE EXCEPTION 'killed mid-chunk'; END IF;
        RETURN NEW;
      END $$`);
    await db.$executeRawUnsafe(
      'CREATE TRIGGER fail_once BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION fail_once()',
    );
    await expect(processImport(deps(), importId)).rejects.toThrow('killed mid-chunk');
    expect(await findImport(db, apiKeyId, importId)).toMatchObject({ status: 'processing', counts: { created: 200 } });
    await db.$executeRawUnsafe('DROP TRIGGER fail_once ON users');
    await db.$executeRawUnsafe('DROP FUNCTION fail_once');

    // The job taken over twice at once, as after a heartbeat lost under load.
    const states = await Promise.all([processImport(deps(), importId), processImport(deps(), importId)]);
    expect(states).toContain('completed');
    expect(await findImport(db, apiKeyId, importId)).toMatchObject({ counts: { rows: 450, created: 450 } });
    expect(await db.user.count({ where: { email: { startsWith: 'resume-' } } })).toBe(450);
    const invitations = await db.emailDelivery.groupBy({
      by: ['userId'],
      where: { kind: 'invitation', user: { email: { startsWith: 'resume-' } } },
      _count: true,
    });
    expect(invitations).toHaveLength(450);
    expect(invitations.every((group) => group._count === 1)).toBe(true);
  });

  it('stops at the next chunk when cancelled, leaving the rest pending', async () => {
    const { id: apiKeyId } = await newKey();
    const importId = await accepted(apiKeyId, peopleCsv(5, 'cancel'));
    await processImport(deps(), importId);
    expect(await cancelImport(db, apiKeyId, importId)).toMatchObject({ status: 'cancelled' });
    await submit(apiKeyId, importId);
    expect(await processImport(deps(), importId)).toBe('cancelled');
    expect(await db.user.count({ where: { email: { startsWith: 'cancel-' } } })).toBe(0);
    expect(await cancelImport(db, apiKeyId, importId)).toMatchObject({ status: 'finished' });
  });
});

describe('access across keys', () => {
  it("shows, changes and cancels none of another key's imports", async () => {
    const owner = await newKey();
    const other = await newKey();
    const importId = await accepted(owner.id, peopleCsv(1, 'mine'));
    expect(await findImport(db, other.id, importId)).toBeUndefined();
    expect(await submit(other.id, importId)).toEqual({ status: 'not-found' });
    expect(await cancelImport(db, other.id, importId)).toBeUndefined();
    expect(await findImport(db, owner.id, importId)).toMatchObject({ status: 'received', metadata: null });
  });
});

describe('housekeeping', () => {
  it('deletes imports finished past their retention with their rows, and spares the accounts they made', async () => {
    const { id: apiKeyId } = await newKey();
    const importId = await accepted(apiKeyId, peopleCsv(2, 'retained'));
    await submit(apiKeyId, importId, { notify: 'none' });
    await processImport(deps(), importId);
    const day = 24 * 60 * 60 * 1000;
    const later = new Date(Date.now() + 31 * day);
    expect(await deleteUnconfirmedAccounts(db, 7 * day, later)).toBeGreaterThanOrEqual(0);
    expect(await db.user.count({ where: { email: { startsWith: 'retained-' } } })).toBe(2);
    expect(await deleteFinishedImports(db, 30 * day, new Date())).toBe(0);
    expect(await deleteFinishedImports(db, 30 * day, later)).toBeGreaterThanOrEqual(1);
    expect(await db.import.findUnique({ where: { id: importId } })).toBeNull();
    expect(await db.importRow.count({ where: { importId } })).toBe(0);
  });
});
