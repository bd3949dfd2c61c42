import type { ImportState } from '../generated/prisma/enums.ts';

/**
 * How an accepted file is processed. `deferred` (the product): the worker's import-process job,
 * queued with the file and again when the metadata arrives. `in-request` is the design imports
 * replace, kept only for the uploader benchmark to measure against (IMPORT_PROCESSING=in-request,
 * never the default): the web process parses the file before it answers the upload and commits its
 * rows before it answers the metadata. lib/services.server.ts picks it, once.
 */
export type ImportProcessing =
  { mode: 'deferred' } | { mode: 'in-request'; run(importId: string): Promise<ImportState | undefined> };
