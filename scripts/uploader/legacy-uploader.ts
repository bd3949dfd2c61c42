import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ImportState } from '../../lib/generated/prisma/enums.ts';
import { isFinished } from '../../lib/imports/import-status.server.ts';
import { summarize, type Distribution } from '../bench/distribution.ts';

export type UploaderOptions = {
  appUrl: string;
  /** An API key (npm run api-keys -- create NAME). */
  key: string;
  files: number;
  rowsPerFile: number;
  /** Makes the files' addresses unique to this run. */
  tag: string;
  /** How long to wait for every import to finish once the last file is handed over. */
  completionTimeoutSeconds: number;
};

export type UploaderRun = {
  files: number;
  rowsPerFile: number;
  /** Per file: the upload's answer plus the metadata's, what the legacy module waits for before its next file. */
  interactionMs: Distribution | undefined;
  uploadMs: Distribution | undefined;
  metadataMs: Distribution | undefined;
  /** From the first upload to the last metadata answer: how long the uploader is busy. */
  totalSeconds: number;
  /** From the first upload until every import had finished (or the timeout). */
  allCompletedSeconds: number;
  completed: number;
  /** Imports that ended otherwise (failed, cancelled) or had not finished at the timeout. */
  notCompleted: number;
  usersCreated: number;
  /** Answers other than 202 to either call. */
  refused: number;
};

const statusSchema = z.object({
  id: z.string(),
  status: z.enum(ImportState),
  counts: z.object({ created: z.number() }),
});

/** A file of `rows` people, as an organisation's export would have them. */
export function peopleFile(rows: number, tag: string): Uint8Array<ArrayBuffer> {
  const lines = ['email,name,department'];
  for (let index = 1; index <= rows; index += 1) {
    lines.push(`${tag}-${index}@uploader.example,Person ${index} of ${tag},Department ${index % 17}`);
  }
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

/**
 * Plays the legacy uploader that nobody can change: for each file in turn it uploads the file, waits
 * for the answer, and only if that succeeded uploads the metadata and waits for that answer; then
 * the next file. Afterwards (not something the module does) it waits for every import to finish.
 */
export async function playLegacyUploader(options: UploaderOptions): Promise<UploaderRun> {
  const { appUrl, key, files, rowsPerFile, tag } = options;
  const auth = { Authorization: `Bearer ${key}` };
  const uploadMs: number[] = [];
  const metadataMs: number[] = [];
  const interactionMs: number[] = [];
  const statusUrls: string[] = [];
  let refused = 0;
  const started = performance.now();
  for (let index = 1; index <= files; index += 1) {
    const file = peopleFile(rowsPerFile, `${tag}-f${index}`);
    const uploadStart = performance.now();
    const uploaded = await fetch(`${appUrl}/api/imports`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'text/csv', 'Idempotency-Key': `${tag}-file-${index}` },
      body: file,
    });
    const answer = await uploaded.json().catch(() => undefined);
    const uploadDone = performance.now();
    uploadMs.push(uploadDone - uploadStart);
    const parsed = z.object({ statusUrl: z.string() }).safeParse(answer);
    if (uploaded.status !== 202 || !parsed.success) {
      refused += 1;
      continue;
    }
    const metadata = await fetch(`${appUrl}${parsed.data.statusUrl}/metadata`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ source: 'legacy-uploader', batch: tag, notify: 'invite', onConflict: 'skip' }),
    });
    await metadata.arrayBuffer();
    const metadataDone = performance.now();
    metadataMs.push(metadataDone - uploadDone);
    interactionMs.push(metadataDone - uploadStart);
    if (metadata.status !== 202) refused += 1;
    statusUrls.push(parsed.data.statusUrl);
  }
  const totalSeconds = (performance.now() - started) / 1000;

  const deadline = performance.now() + options.completionTimeoutSeconds * 1000;
  let statuses: z.infer<typeof statusSchema>[] = [];
  for (;;) {
    statuses = await Promise.all(
      statusUrls.map(async (statusUrl) =>
        statusSchema.parse(await (await fetch(`${appUrl}${statusUrl}`, { headers: auth })).json()),
      ),
    );
    if (statuses.every((status) => isFinished(status.status)) || performance.now() > deadline) break;
    await sleep(100);
  }
  const completed = statuses.filter((status) => status.status.startsWith('completed')).length;
  return {
    files,
    rowsPerFile,
    interactionMs: summarize(interactionMs),
    uploadMs: summarize(uploadMs),
    metadataMs: summarize(metadataMs),
    totalSeconds,
    allCompletedSeconds: (performance.now() - started) / 1000,
    completed,
    notCompleted: files - completed,
    usersCreated: statuses.reduce((sum, status) => sum + status.counts.created, 0),
    refused,
  };
}
