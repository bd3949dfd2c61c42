import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { ImportState } from '../generated/prisma/enums.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { deleteStoredFile } from './import-processing.server.ts';

export type ImportFormat = 'csv' | 'ndjson';

/** An import as its uploader (GET /api/imports/{id}) and the operator's tools see it. */
export type ImportView = {
  id: string;
  status: ImportState;
  format: ImportFormat;
  bytes: number;
  metadata: {
    source: string | null;
    batch: string | null;
    notify: 'invite' | 'confirm' | 'none';
    onConflict: 'skip' | 'update' | 'fail';
    validateOnly: boolean;
  } | null;
  counts: { rows: number; created: number; updated: number; skipped: number; failed: number };
  /** Rows settled so far (created, updated, skipped or failed) of all the file's rows; 100 once finished. */
  percent: number;
  /** Why it failed, when it did. */
  reason: string | null;
  receivedAt: Date;
  metadataAt: Date | null;
  parsedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
};

const finishedStates: readonly ImportState[] = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

export function isFinished(state: ImportState): boolean {
  return finishedStates.includes(state);
}

const select = {
  id: true,
  state: true,
  format: true,
  bytes: true,
  metadataAt: true,
  source: true,
  batch: true,
  notify: true,
  onConflict: true,
  validateOnly: true,
  rows: true,
  created: true,
  updated: true,
  skipped: true,
  failed: true,
  reason: true,
  receivedAt: true,
  parsedAt: true,
  startedAt: true,
  finishedAt: true,
} satisfies Prisma.ImportSelect;

type ImportRecord = Prisma.ImportGetPayload<{ select: typeof select }>;

function viewOf(record: ImportRecord): ImportView {
  const { rows, created, updated, skipped, failed } = record;
  const settled = created + updated + skipped + failed;
  const metadata =
    record.metadataAt && record.notify && record.onConflict
      ? {
          source: record.source,
          batch: record.batch,
          notify: record.notify,
          onConflict: record.onConflict,
          validateOnly: record.validateOnly ?? false,
        }
      : null;
  return {
    id: record.id,
    status: record.state,
    format: record.format,
    bytes: record.bytes,
    metadata,
    counts: { rows, created, updated, skipped, failed },
    percent: isFinished(record.state) ? 100 : rows > 0 ? Math.floor((settled * 100) / rows) : 0,
    reason: record.reason,
    receivedAt: record.receivedAt,
    metadataAt: record.metadataAt,
    parsedAt: record.parsedAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
  };
}

/** The import, if it is this key's; another key's is as unknown as one that does not exist. */
export async function findImport(db: Database, apiKeyId: string, importId: string): Promise<ImportView | undefined> {
  const record = await db.import.findFirst({ where: { id: importId, apiKeyId }, select });
  return record ? viewOf(record) : undefined;
}

/** Any key's import, for the operator's tools. */
export async function findAnyImport(db: Database, importId: string): Promise<ImportView | undefined> {
  const record = await db.import.findUnique({ where: { id: importId }, select });
  return record ? viewOf(record) : undefined;
}

/** The most recent imports of every key, newest first, with the name of the key that sent each. */
export async function listImports(db: Database, limit = 50): Promise<(ImportView & { apiKey: string })[]> {
  const records = await db.import.findMany({
    orderBy: { receivedAt: 'desc' },
    take: limit,
    select: { ...select, apiKey: { select: { name: true } } },
  });
  return records.map(({ apiKey, ...record }) => ({ ...viewOf(record), apiKey: apiKey.name }));
}

export type CancelResult = { status: 'cancelled'; import: ImportView } | { status: 'finished'; import: ImportView };

/**
 * Cancels what is not done yet: a chunk being committed finishes, no other starts, and the rows still
 * pending stay so. Users already created stay too. Undefined for an import that is not this key's.
 */
export async function cancelImport(
  db: Database,
  apiKeyId: string,
  importId: string,
): Promise<CancelResult | undefined> {
  const cancelled = await db.import.updateMany({
    where: { id: importId, apiKeyId, state: { notIn: [...finishedStates] } },
    data: { state: 'cancelled', finishedAt: new Date() },
  });
  if (cancelled.count > 0) await deleteStoredFile(db, importId);
  const view = await findImport(db, apiKeyId, importId);
  if (!view) return undefined;
  return { status: cancelled.count > 0 ? 'cancelled' : 'finished', import: view };
}

/**
 * Housekeeping: imports finished `olderThanMs` ago, with their rows (ON DELETE CASCADE): the report
 * has been fetched by then, and the addresses of the rows that failed are kept no longer.
 */
export async function deleteFinishedImports(db: Database, olderThanMs: number, now = new Date()): Promise<number> {
  const { count } = await db.import.deleteMany({
    where: { finishedAt: { lt: new Date(now.getTime() - olderThanMs) } },
  });
  return count;
}
