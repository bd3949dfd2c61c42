import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Database, Transaction } from '../db/database.server.ts';
import type { EmailKind } from '../email/email-kinds.ts';
import type { Outbox, QueueBulkEmails } from '../email/outbox.server.ts';
import { waitInWords } from '../rate-limit/wait-in-words.ts';
import type { ImportState } from '../generated/prisma/enums.ts';
import { fileRecords } from './file-records.ts';
import { fileRows, maxRecordBytes, type ParsedRow } from './file-rows.ts';

export type ImportSettings = {
  /** A file with more rows fails as a whole (IMPORT_MAX_ROWS). */
  maxRows: number;
  /** Rows committed per transaction, with their users and emails (IMPORT_CHUNK_ROWS). */
  chunkRows: number;
  /** How long an import waits for its metadata (IMPORT_METADATA_WAIT). */
  metadataWaitSeconds: number;
};

export type ImportDeps = { db: Database; outbox: Outbox; imports: ImportSettings };

// Parsed rows written per statement: well under PostgreSQL's parameter limits (arrays are one each),
// large enough that the round trips do not count.
const parsedRowsPerInsert = 2000;

const emailKindOf: Record<'invite' | 'confirm', EmailKind> = { invite: 'invitation', confirm: 'confirm' };

/**
 * Takes an import as far as it can go now: parses a received file into its rows, then, once the
 * metadata has come, commits the rows in chunks. Safe to run again at any point (a retried or
 * taken-over job, a worker killed mid-chunk): a parse starts over, as nothing was committed to users
 * before it ended; the commit goes on from the rows still pending. Returns where the import stands.
 */
export async function processImport(deps: ImportDeps, importId: string): Promise<ImportState | undefined> {
  const found = await deps.db.import.findUnique({ where: { id: importId }, select: { state: true } });
  let state = found?.state;
  if (state === 'received') state = await parseStoredFile(deps, importId);
  if (state === 'queued' || state === 'processing') state = await commitRows(deps, importId);
  return state;
}

/** Fails an import that has not finished, with the reason its uploader will read; false if it had. */
export async function failImport(db: Database, importId: string, reason: string): Promise<boolean> {
  const failed = await db.$executeRaw`
    UPDATE imports SET state = 'failed', reason = ${reason}, finished_at = now()
     WHERE id = ${importId}::uuid AND state IN ('received', 'awaiting_metadata', 'queued', 'processing')`;
  if (failed > 0) await deleteStoredFile(db, importId);
  return failed > 0;
}

/** Fails an import whose metadata has not come (its deadline passed); false if it had. */
export async function expireImport(db: Database, importId: string, waitSeconds: number): Promise<boolean> {
  const reason = `The metadata did not arrive within ${waitInWords(waitSeconds)} of the upload.`;
  const expired = await db.$executeRaw`
    UPDATE imports SET state = 'failed', reason = ${reason}, finished_at = now()
     WHERE id = ${importId}::uuid AND metadata_at IS NULL AND state IN ('received', 'awaiting_metadata')`;
  if (expired > 0) await deleteStoredFile(db, importId);
  return expired > 0;
}

/** The stored file's bytes, a chunk at a time: never more than one in this process. */
async function* storedFile(db: Database, importId: string): AsyncGenerator<Uint8Array> {
  for (let seq = 1; ; seq += 1) {
    const [chunk] = await db.$queryRaw<{ data: Uint8Array }[]>`
      SELECT data FROM import_chunks WHERE import_id = ${importId}::uuid AND seq = ${seq}`;
    if (!chunk) return;
    yield chunk.data;
  }
}

export async function deleteStoredFile(db: Database, importId: string): Promise<void> {
  await db.$executeRaw`DELETE FROM import_chunks WHERE import_id = ${importId}::uuid`;
}

/**
 * Reads the file into import_rows: every row pending or failed with its reason, then an address
 * that is on an earlier line too failed as a duplicate. The import then waits for its metadata, or
 * is queued if that came during the parse. Checked against the import's state at every write, so
 * an import cancelled or expired meanwhile stops the parse.
 */
async function parseStoredFile({ db, imports }: ImportDeps, importId: string): Promise<ImportState | undefined> {
  const stored = await db.import.findUniqueOrThrow({ where: { id: importId }, select: { format: true } });
  // A parse cut short left some rows: start over.
  await db.$executeRaw`DELETE FROM import_rows WHERE import_id = ${importId}::uuid`;
  const records = fileRecords(storedFile(db, importId), { csv: stored.format === 'csv', maxRecordBytes });
  let batch: ParsedRow[] = [];
  let rows = 0;
  for await (const row of fileRows(records, stored.format)) {
    if ('problem' in row) {
      await failParse(db, importId, row.problem);
      return 'failed';
    }
    rows += 1;
    if (rows > imports.maxRows) {
      await failParse(db, importId, `The file has more than ${imports.maxRows} rows, the most one import takes.`);
      return 'failed';
    }
    batch.push(row);
    if (batch.length >= parsedRowsPerInsert) {
      if (!(await insertParsedRows(db, importId, batch))) return stateOf(db, importId);
      batch = [];
    }
  }
  if (!(await insertParsedRows(db, importId, batch))) return stateOf(db, importId);

  // Fresh statistics: the planner would otherwise take a file of 100,000 rows for the few rows it
  // last saw per import, and join row by row where it should hash (the duplicates below: minutes for 200,000 rows), or read
  // and sort all the rows left for every chunk instead of walking the primary key (a chunk's read
  // grew from 1 ms to 25 ms and more as the file went on).
  await db.$executeRaw`ANALYZE import_rows`;
  await db.$executeRaw`
    UPDATE import_rows AS r
       SET outcome = 'failed', reason = 'The address is on line ' || d.first_line || ' too; only that line is imported.'
      FROM (SELECT line, min(line) OVER (PARTITION BY email) AS first_line
              FROM import_rows WHERE import_id = ${importId}::uuid AND outcome = 'pending') AS d
     WHERE r.import_id = ${importId}::uuid AND r.line = d.line AND d.line > d.first_line`;
  // The metadata may have come meanwhile: its request saw the import still received and left the
  // next step to this job. Both lock the import's row, so exactly one of them moves it on.
  const [parsed] = await db.$queryRaw<{ state: ImportState }[]>`
    UPDATE imports AS i
       SET rows = c.rows, failed = c.failed, parsed_at = now(),
           state = CASE WHEN i.metadata_at IS NULL THEN 'awaiting_metadata' ELSE 'queued' END::import_state
      FROM (SELECT count(*)::int AS rows, (count(*) FILTER (WHERE outcome = 'failed'))::int AS failed
              FROM import_rows WHERE import_id = ${importId}::uuid) AS c
     WHERE i.id = ${importId}::uuid AND i.state = 'received'
    RETURNING i.state`;
  return parsed?.state ?? stateOf(db, importId);
}

/** False when the import is no longer being parsed (cancelled, expired), and nothing was written. */
async function insertParsedRows(db: Database, importId: string, rows: ParsedRow[]): Promise<boolean> {
  const written = await db.$executeRaw`
    INSERT INTO import_rows (import_id, line, email, name, outcome, reason)
    SELECT ${importId}::uuid, r.line, r.email, r.name, r.outcome::import_row_outcome, r.reason
      FROM unnest(${rows.map((row) => row.line)}::int[], ${rows.map((row) => row.email)}::text[],
                  ${rows.map((row) => row.name)}::text[], ${rows.map((row) => row.outcome)}::text[],
                  ${rows.map((row) => (row.outcome === 'failed' ? row.reason : null))}::text[])
           AS r(line, email, name, outcome, reason)
     WHERE EXISTS (SELECT 1 FROM imports WHERE id = ${importId}::uuid AND state = 'received')`;
  return rows.length === 0 || written > 0;
}

async function failParse(db: Database, importId: string, reason: string): Promise<void> {
  if (await failImport(db, importId, reason)) {
    // The file as a whole failed: no row of it stands for anything.
    await db.$executeRaw`DELETE FROM import_rows WHERE import_id = ${importId}::uuid`;
  }
}

async function stateOf(db: Database, importId: string): Promise<ImportState | undefined> {
  return (await db.import.findUnique({ where: { id: importId }, select: { state: true } }))?.state;
}

type PendingRow = { line: number; email: string; name: string | null };
type Outcome = 'created' | 'updated' | 'skipped' | 'failed';
type CommitMode = { onConflict: 'skip' | 'update' | 'fail'; validateOnly: boolean; kind: EmailKind | undefined };

const existingAccount = 'An account with this address exists already.';

/**
 * Commits the pending rows, a chunk per transaction: the chunk's users, its rows' outcomes, its
 * counts and its emails commit together, so a chunk is done entirely or not at all, and a row is
 * never committed twice. Stops when the import is no longer processing (cancelled). Then the import
 * is finished and its stored file deleted.
 */
async function commitRows({ db, outbox, imports }: ImportDeps, importId: string): Promise<ImportState | undefined> {
  const [started] = await db.$queryRaw<
    { notify: 'invite' | 'confirm' | 'none'; onConflict: 'skip' | 'update' | 'fail'; validateOnly: boolean }[]
  >`
    UPDATE imports SET state = 'processing', started_at = COALESCE(started_at, now())
     WHERE id = ${importId}::uuid AND state IN ('queued', 'processing')
    RETURNING notify, on_conflict AS "onConflict", validate_only AS "validateOnly"`;
  if (!started) return stateOf(db, importId);
  const mode: CommitMode = {
    onConflict: started.onConflict,
    validateOnly: started.validateOnly,
    kind: started.notify === 'none' || started.validateOnly ? undefined : emailKindOf[started.notify],
  };

  for (let after = 0; ;) {
    const chunk = await outbox.transaction(async (tx, _queueEmail, queueBulkEmails) => {
      const [current] = await tx.$queryRaw<{ state: ImportState }[]>`
        SELECT state FROM imports WHERE id = ${importId}::uuid FOR UPDATE`;
      if (current?.state !== 'processing') return undefined;
      // The import's row, locked above, makes the chunks of one import take turns, so two workers on
      // it (one took the job over while the other still ran) never take the same rows: the rows are
      // read only once the other's chunk has committed. Locking the rows themselves cost as much as
      // writing their outcomes.
      const rows = await tx.$queryRaw<PendingRow[]>`
        SELECT line, email, name FROM import_rows
         WHERE import_id = ${importId}::uuid AND line > ${after} AND outcome = 'pending'
         ORDER BY line
         LIMIT ${imports.chunkRows}`;
      if (rows.length > 0) await commitChunk(tx, queueBulkEmails, importId, rows, mode);
      return rows;
    });
    if (!chunk) return stateOf(db, importId);
    const last = chunk.at(-1);
    if (!last) break;
    after = last.line;
  }

  const [finished] = await db.$queryRaw<{ state: ImportState }[]>`
    UPDATE imports
       SET state = CASE WHEN failed > 0 THEN 'completed_with_errors' ELSE 'completed' END::import_state,
           finished_at = now()
     WHERE id = ${importId}::uuid AND state = 'processing'
    RETURNING state`;
  await deleteStoredFile(db, importId);
  return finished?.state ?? stateOf(db, importId);
}

/**
 * One chunk, a statement per step, each set-based over the chunk's arrays: the users inserted (their
 * ids made here, so the ones that came back are the ones created; an address with an account is
 * left to `onConflict`), existing accounts updated, the outcomes written, the counts added up, the
 * emails queued. Plain arrays keep every plan an index lookup per row, whatever the statistics say
 * of tables that grew a moment ago. A dry run (`validateOnly`) writes only the outcomes.
 */
async function commitChunk(
  tx: Transaction,
  queueBulkEmails: QueueBulkEmails,
  importId: string,
  rows: PendingRow[],
  { onConflict, validateOnly, kind }: CommitMode,
): Promise<void> {
  const emails = rows.map((row) => row.email);
  const names = rows.map((row) => row.name);
  const ids = rows.map(() => randomUUID());
  let created: Set<string>;
  if (validateOnly) {
    const existing = await tx.$queryRaw<{ email: string }[]>`
      SELECT email FROM users WHERE email = ANY(${emails}::text[])`;
    const known = new Set(existing.map((user) => user.email));
    created = new Set(ids.filter((_, index) => !known.has(emails[index] ?? '')));
  } else {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO users (id, email, name)
      SELECT * FROM unnest(${ids}::uuid[], ${emails}::text[], ${names}::text[])
      ON CONFLICT (email) DO NOTHING
      RETURNING id`;
    created = new Set(inserted.map((user) => user.id));
  }
  const existing = rows.filter((_, index) => !created.has(ids[index] ?? ''));
  let updated = new Set<string>();
  if (onConflict === 'update' && existing.length > 0) {
    const changed = validateOnly
      ? await tx.$queryRaw<{ email: string }[]>`
          SELECT email FROM users WHERE email = ANY(${existing.map((row) => row.email)}::text[])`
      : await tx.$queryRaw<{ email: string }[]>`
          UPDATE users AS u SET name = COALESCE(v.name, u.name)
            FROM unnest(${existing.map((row) => row.email)}::text[], ${existing.map((row) => row.name)}::text[])
                 AS v(email, name)
           WHERE u.email = v.email
          RETURNING u.email`;
    updated = new Set(changed.map((user) => user.email));
  }

  const outcomes: Outcome[] = rows.map((row, index) =>
    created.has(ids[index] ?? '')
      ? 'created'
      : updated.has(row.email)
        ? 'updated'
        : onConflict === 'fail'
          ? 'failed'
          : 'skipped',
  );
  await tx.$executeRaw`
    UPDATE import_rows AS r
       SET outcome = v.outcome::import_row_outcome,
           reason = CASE WHEN v.outcome IN ('skipped', 'failed') THEN ${existingAccount} END
      FROM unnest(${rows.map((row) => row.line)}::int[], ${outcomes}::text[]) AS v(line, outcome)
     WHERE r.import_id = ${importId}::uuid AND r.line = v.line`;
  const count = (outcome: Outcome) => outcomes.filter((each) => each === outcome).length;
  await tx.$executeRaw`
    UPDATE imports
       SET created = created + ${count('created')}, updated = updated + ${count('updated')},
           skipped = skipped + ${count('skipped')}, failed = failed + ${count('failed')}
     WHERE id = ${importId}::uuid`;
  if (kind && !validateOnly) {
    await queueBulkEmails(
      kind,
      rows.flatMap((row, index) => {
        const userId = ids[index] ?? '';
        return created.has(userId) ? [{ userId, requestKey: `import:${importId}:${row.line}` }] : [];
      }),
    );
  }
}
