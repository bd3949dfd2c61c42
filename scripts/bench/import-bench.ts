import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { Database } from '../../lib/db/database.server.ts';
import { sendBulkEmailJob } from '../../lib/email/send-email-job.ts';
import { ImportState } from '../../lib/generated/prisma/enums.ts';
import { createApiKey } from '../../lib/imports/api-keys.server.ts';
import { isFinished } from '../../lib/imports/import-status.server.ts';
import { storedChunkBytes } from '../../lib/imports/import-upload.server.ts';
import type { DiscardingSmtpSink } from '../../testing/smtp-sink.ts';
import { startWeb, startWorker } from '../local-stack/app-processes.ts';
import { restartPeakRss } from '../local-stack/process-stats.ts';
import type { Supervisor } from '../local-stack/supervisor.ts';
import { peopleFile } from '../uploader/legacy-uploader.ts';
import { compareUploaderModes, type UploaderComparison } from '../uploader/uploader-modes.ts';
import { summarize, type Distribution } from './distribution.ts';

export type UploadTiming = {
  sizeBytes: number;
  /** The same bytes in 1 MiB chunks into a table like the import's, in one transaction, by node-postgres. */
  bareInsertMs: Distribution | undefined;
  /** POST /api/imports, from the request's start to its 202. */
  uploadAnswerMs: Distribution | undefined;
  /**
   * Each upload's answer time ÷ the bare insert timed just before it. The disk under PostgreSQL
   * speeds up and slows down from one sample to the next (a bare insert of 100 MB took 0.65 to 1.95
   * s in one series): a pair shares its moment, so its ratio holds where the two p50s drift apart.
   */
  pairedRatio: Distribution | undefined;
};

export type ImportBench = {
  uploads: UploadTiming[];
  /**
   * The web process streaming the largest file: its resident memory before and its peak during, for
   * its last upload of that size, and for its first (whose growth the allocator then keeps).
   */
  webMemory: {
    sizeBytes: number;
    idleRssBytes: number;
    peakRssBytes: number;
    first: { idleRssBytes: number; peakRssBytes: number };
  };
  processing: {
    rows: number;
    created: number;
    /** From the upload's commit to the import's end, the parse included (the metadata came at once). */
    seconds: number;
    usersPerSecond: number;
    /** The commit alone: from its first chunk to its last. */
    commitUsersPerSecond: number;
  };
  /** Invitations the SMTP sink accepted in the window after the import completed: SMTP-bound, reported apart. */
  invitations: { windowSeconds: number; sent: number; perSecond: number };
  /** Sign-ups during the import and its invitations: from each 201 to its confirmation accepted by SMTP. */
  confirmationDuringImportMs: Distribution | undefined;
  uploader: UploaderComparison;
};

export type ImportBenchStack = {
  root: string;
  supervisor: Supervisor;
  db: Database;
  boss: PgBoss;
  sink: DiscardingSmtpSink;
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  appPort: number;
  logDir: string;
};

export type ImportBenchOptions = {
  sizesMb: number[];
  rows: number;
  uploaderFiles: number;
  uploaderRows: number;
  windowSeconds: number;
  log: (message: string) => void;
};

const megabyte = 1024 * 1024;
const statusSchema = z.object({
  status: z.enum(ImportState),
  counts: z.object({ rows: z.number(), created: z.number() }),
  receivedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

/**
 * The import's figures: how long an upload takes to answer against a bare insert of its bytes, the
 * web process's memory while it streams the largest file, how fast the worker creates users, how
 * fast the invitations go out, how long a person's confirmation waits meanwhile, and the legacy
 * uploader against processing in the request.
 */
export async function measureImports(stack: ImportBenchStack, options: ImportBenchOptions): Promise<ImportBench> {
  const { log } = options;
  const logDir = path.join(stack.logDir, 'imports');
  await mkdir(logDir, { recursive: true });
  const processOptions = (name: string) => ({
    root: stack.root,
    env: stack.env,
    logFile: path.join(logDir, `${name}.log`),
  });
  const worker = await startWorker(stack.supervisor, 'imports-worker', processOptions('worker'));
  const web = await startWeb(stack.supervisor, 'imports-web', stack.appPort, processOptions('web'));
  const appUrl = `http://127.0.0.1:${stack.appPort}`;
  let measured: Omit<ImportBench, 'uploader'>;
  try {
    const created = await createApiKey(stack.db, `bench-${Date.now()}`);
    if (created.status !== 'created') throw new Error('could not create an API key for the bench');
    const auth = { Authorization: `Bearer ${created.key}` };
    const upload = async (body: Uint8Array<ArrayBuffer>) => {
      const started = performance.now();
      const response = await post(`${appUrl}/api/imports`, { ...auth, 'Content-Type': 'text/csv' }, body);
      if (response.status !== 202) throw new Error(`an upload was answered ${response.status}`);
      const answer = z.object({ statusUrl: z.string() }).parse(JSON.parse(response.body));
      return { ms: performance.now() - started, statusUrl: answer.statusUrl };
    };

    const waitUntilFinished = async (statusUrl: string) => {
      for (const deadline = Date.now() + 600_000; Date.now() < deadline;) {
        const status = statusSchema.parse(await (await fetch(`${appUrl}${statusUrl}`, { headers: auth })).json());
        if (isFinished(status.status)) return status;
        await sleep(100);
      }
      throw new Error(`the import at ${statusUrl} did not finish within 10 minutes`);
    };

    const uploads: UploadTiming[] = [];
    const memory: { idleRssBytes: number; peakRssBytes: number }[] = [];
    await upload(paddingFile(megabyte));
    for (const sizeMb of options.sizesMb) {
      const body = paddingFile(sizeMb * megabyte);
      const samples = 5;
      log(`imports: ${sizeMb} MB, uploaded ${samples} times against a bare insert of the same bytes…`);
      const bare: number[] = [];
      const answered: number[] = [];
      const isLargest = sizeMb === Math.max(...options.sizesMb);
      for (let sample = 0; sample < samples; sample += 1) {
        await quiesce(stack.databaseUrl);
        bare.push(await bareInsert(stack.databaseUrl, body));
        await quiesce(stack.databaseUrl);
        const idleRssBytes = isLargest ? await restartPeakRss(web.pid) : undefined;
        const uploaded = await upload(body);
        answered.push(uploaded.ms);
        if (idleRssBytes !== undefined) memory.push({ idleRssBytes, peakRssBytes: (await web.stats()).peakRssBytes });
        // The worker gives the file up at its first line and deletes its chunks: done before the next sample.
        await waitUntilFinished(uploaded.statusUrl);
      }
      const timing = {
        sizeBytes: body.byteLength,
        bareInsertMs: summarize(bare),
        uploadAnswerMs: summarize(answered),
        pairedRatio: summarize(answered.map((ms, index) => ms / bare[index]!)),
      };
      log(
        `  bare insert p50 ${timing.bareInsertMs?.p50.toFixed(0)} ms, upload answered p50 ${timing.uploadAnswerMs?.p50.toFixed(0)} ms, ` +
          `paired ratio p50 ${timing.pairedRatio?.p50.toFixed(2)}×`,
      );
      uploads.push(timing);
    }
    const [first, last] = [memory[0], memory.at(-1)];
    if (!first || !last) throw new Error('no upload measured the memory of the web process');
    const webMemory = { sizeBytes: Math.max(...options.sizesMb) * megabyte, ...last, first };
    log(
      `  web RSS ${(webMemory.idleRssBytes / megabyte).toFixed(0)} MB idle, peak ${(webMemory.peakRssBytes / megabyte).toFixed(0)} MB streaming ${(webMemory.sizeBytes / megabyte).toFixed(0)} MB`,
    );

    log(`imports: ${options.rows} rows with invitations, while people sign up…`);
    const tag = `bench-import-${Date.now()}`;
    const { statusUrl } = await upload(peopleFile(options.rows, tag));
    const metadata = await fetch(`${appUrl}${statusUrl}/metadata`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ notify: 'invite' }),
    });
    if (metadata.status !== 202) throw new Error(`the metadata was answered ${metadata.status}`);
    const signups = signUpMeanwhile(appUrl, stack.sink);
    const status = await waitUntilFinished(statusUrl);
    if (!status.startedAt || !status.finishedAt) throw new Error(`the bench import ended ${status.status}`);
    const finishedAt = Date.parse(status.finishedAt);
    const seconds = (finishedAt - Date.parse(status.receivedAt)) / 1000;
    const commitSeconds = (finishedAt - Date.parse(status.startedAt)) / 1000;
    const processing = {
      rows: status.counts.rows,
      created: status.counts.created,
      seconds,
      usersPerSecond: status.counts.created / seconds,
      commitUsersPerSecond: status.counts.created / commitSeconds,
    };
    log(
      `  ${processing.created} users in ${seconds.toFixed(1)} s: ${processing.usersPerSecond.toFixed(0)} users/s (commit alone ${processing.commitUsersPerSecond.toFixed(0)}/s)`,
    );

    const invitedBefore = countInvited(stack.sink, tag);
    await sleep(options.windowSeconds * 1000);
    const sent = countInvited(stack.sink, tag) - invitedBefore;
    const confirmationDuringImportMs = await signups.stop();
    const invitations = { windowSeconds: options.windowSeconds, sent, perSecond: sent / options.windowSeconds };
    log(
      `  invitations ${invitations.perSecond.toFixed(0)}/s; confirmations meanwhile p95 ${confirmationDuringImportMs?.p95.toFixed(0)} ms, max ${confirmationDuringImportMs?.max.toFixed(0)} ms`,
    );
    await stack.boss.deleteQueuedJobs(sendBulkEmailJob.name);
    measured = { uploads, webMemory, processing, invitations, confirmationDuringImportMs };
  } finally {
    await web.stop();
    await worker.stop();
  }
  const uploader = await compareUploaderModes(
    { root: stack.root, supervisor: stack.supervisor, db: stack.db, env: stack.env, appPort: stack.appPort, logDir },
    { files: options.uploaderFiles, rowsPerFile: options.uploaderRows, completionTimeoutSeconds: 600, log },
  );
  return { ...measured, uploader };
}

/**
 * A POST by node:http, which writes the body to the socket as it is; fetch copies it first and again
 * per chunk, and on this machine the uploader's side shares the cores with the server it measures.
 */
function post(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': body.byteLength } });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => (text += piece));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    request.end(body);
  });
}

/**
 * A file of `bytes` whose header names no email column: the upload streams all of it, and the worker
 * gives it up at its first line, so that processing does not load the measurements that follow.
 */
function paddingFile(bytes: number): Uint8Array<ArrayBuffer> {
  const file = new Uint8Array(bytes).fill(0x78);
  const header = new TextEncoder().encode('padding\n');
  file.set(header);
  for (let newline = 1024; newline < bytes; newline += 1024) file[newline] = 0x0a;
  return file;
}

/**
 * Leaves PostgreSQL with nothing of its own to do before a sample, so that each pays for its own
 * bytes only: the dead rows of the earlier sections and samples vacuumed (autovacuum otherwise got
 * to them during a later sample), and their pages written out (a 100 MB sample otherwise ran into
 * a checkpoint started by the one before it about every other time). The two figures compared
 * would otherwise take turns paying for it.
 */
async function quiesce(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/** What the upload does to PostgreSQL, with nothing around it: the floor the upload is held to. */
async function bareInsert(databaseUrl: string, body: Uint8Array): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS bench_bare_chunks (id uuid, seq int, data bytea NOT NULL, PRIMARY KEY (id, seq));
       ALTER TABLE bench_bare_chunks ALTER COLUMN data SET STORAGE EXTERNAL;`,
    );
    const id = crypto.randomUUID();
    const started = performance.now();
    await client.query('BEGIN');
    for (let offset = 0, seq = 1; offset < body.byteLength; offset += storedChunkBytes, seq += 1) {
      const chunk = Buffer.from(
        body.buffer,
        body.byteOffset + offset,
        Math.min(storedChunkBytes, body.byteLength - offset),
      );
      await client.query('INSERT INTO bench_bare_chunks (id, seq, data) VALUES ($1, $2, $3)', [id, seq, chunk]);
    }
    await client.query('COMMIT');
    const elapsed = performance.now() - started;
    await client.query('DELETE FROM bench_bare_chunks WHERE id = $1', [id]);
    return elapsed;
  } finally {
    await client.end();
  }
}

function countInvited(sink: DiscardingSmtpSink, tag: string): number {
  let count = 0;
  for (const recipient of sink.acceptedAt.keys()) if (recipient.startsWith(tag)) count += 1;
  return count;
}

/** A person signing up every 250 ms until stopped; resolves with each confirmation's delay. */
function signUpMeanwhile(appUrl: string, sink: DiscardingSmtpSink): { stop(): Promise<Distribution | undefined> } {
  let stopping = false;
  const answered = new Map<string, number>();
  const running = (async () => {
    for (let index = 1; !stopping; index += 1) {
      const email = `meanwhile-${Date.now()}-${index}@bench.example`;
      const response = await fetch(`${appUrl}/api/users`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Real-IP': `10.1.${index % 250}.${(index >> 8) % 250}` },
        body: JSON.stringify({ email, password: 'a long bench passphrase 42', name: 'Bench' }),
      });
      await response.arrayBuffer();
      if (response.status === 201) answered.set(email, performance.now());
      await sleep(250);
    }
  })();
  return {
    async stop() {
      stopping = true;
      await running;
      await sink.waitForRecipients([...answered.keys()], 30_000);
      return summarize(
        [...answered].flatMap(([email, at]) => {
          const accepted = sink.acceptedAt.get(email);
          return accepted === undefined ? [] : [accepted - at];
        }),
      );
    },
  };
}
