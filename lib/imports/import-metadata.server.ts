import 'server-only';
import type { PgBoss } from 'pg-boss';
import type { Database } from '../db/database.server.ts';
import type { ImportState } from '../generated/prisma/enums.ts';
import { enqueue } from '../jobs/enqueue.server.ts';
import { importProcessJob } from './import-jobs.ts';
import type { ImportMetadata } from './import-metadata.ts';
import type { ImportProcessing } from './import-processing-strategy.ts';
import { findImport, type ImportView } from './import-status.server.ts';

export type MetadataResult =
  | { status: 'accepted'; import: ImportView }
  /** The import has other metadata, or finished without any (409). */
  | { status: 'conflict'; message: string; import: ImportView }
  | { status: 'not-found' };

type Stored = {
  state: ImportState;
  metadataAt: Date | null;
  source: string | null;
  batch: string | null;
  notify: string | null;
  onConflict: string | null;
  validateOnly: boolean | null;
};

/**
 * Keeps an import's metadata and lets it go on: an import still being parsed is left to its job,
 * which moves on once the parse ends; one that waits for its metadata is queued now. The same
 * metadata sent again (an uploader retrying) is accepted again; other metadata for an import that
 * has some is a conflict.
 */
export async function submitMetadata(
  { db, boss, processing }: { db: Database; boss: PgBoss; processing: ImportProcessing },
  apiKeyId: string,
  importId: string,
  metadata: ImportMetadata,
): Promise<MetadataResult> {
  const outcome = await db.$transaction(async (tx) => {
    const [stored] = await tx.$queryRaw<Stored[]>`
      SELECT state, metadata_at AS "metadataAt", source, batch, notify::text, on_conflict::text AS "onConflict",
             validate_only AS "validateOnly"
        FROM imports WHERE id = ${importId}::uuid AND api_key_id = ${apiKeyId}::uuid
         FOR UPDATE`;
    if (!stored) return 'not-found' as const;
    if (stored.metadataAt) return sameMetadata(stored, metadata) ? ('repeated' as const) : ('other-metadata' as const);
    if (stored.state !== 'received' && stored.state !== 'awaiting_metadata') return 'too-late' as const;
    const queued = stored.state === 'awaiting_metadata';
    await tx.import.update({
      where: { id: importId },
      data: {
        metadataAt: new Date(),
        source: metadata.source ?? null,
        batch: metadata.batch ?? null,
        notify: metadata.notify,
        onConflict: metadata.onConflict,
        validateOnly: metadata.validateOnly,
        ...(queued ? { state: 'queued' } : {}),
      },
    });
    if (queued && processing.mode === 'deferred') await enqueue(boss, importProcessJob, { importId }, { tx });
    return queued ? ('queued' as const) : ('kept' as const);
  });
  if (outcome === 'not-found') return { status: 'not-found' };
  if (outcome === 'queued' && processing.mode === 'in-request') await processing.run(importId);
  const view = await findImport(db, apiKeyId, importId);
  if (!view) return { status: 'not-found' };
  switch (outcome) {
    case 'other-metadata':
      return { status: 'conflict', message: 'This import has other metadata already.', import: view };
    case 'too-late':
      return { status: 'conflict', message: `This import is ${view.status}: it takes no metadata now.`, import: view };
    default:
      return { status: 'accepted', import: view };
  }
}

function sameMetadata(stored: Stored, metadata: ImportMetadata): boolean {
  return (
    stored.source === (metadata.source ?? null) &&
    stored.batch === (metadata.batch ?? null) &&
    stored.notify === metadata.notify &&
    stored.onConflict === metadata.onConflict &&
    stored.validateOnly === metadata.validateOnly
  );
}
