import { z } from 'zod';
import { requestKeySchema } from '../../../lib/accounts/request-key.ts';
import { receiveUpload } from '../../../lib/imports/import-upload.server.ts';
import { formatReprDigest, parseReprDigest } from '../../../lib/imports/repr-digest.ts';
import { statusUrlOf, withApiKey } from './import-door.server.ts';

const formats = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' } as const;

// RFC 8941 sends the key as a quoted string; a bare token is taken too.
const idempotencyKeySchema = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().replace(/^"(.*)"$/, '$1') : value),
  requestKeySchema,
);

/**
 * The upload of a file of people to register (the legacy uploader's first call). Answered 202 once
 * the file and its job are committed; everything inside the file is read by the worker.
 */
export async function POST(request: Request): Promise<Response> {
  return withApiKey(request, 'import upload', async ({ services, apiKeyId, headers }) => {
    const maxBytes = services.config.imports.maxBytes;
    const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
    const encoding = request.headers.get('content-encoding')?.trim().toLowerCase() ?? 'identity';
    if (!(mediaType in formats) || encoding !== 'identity') {
      return Response.json(
        { message: 'Send the file as text/csv or application/x-ndjson, without a Content-Encoding.' },
        { status: 415, headers: { ...headers, 'Accept-Post': 'text/csv, application/x-ndjson' } },
      );
    }
    if (Number(request.headers.get('content-length') ?? 0) > maxBytes) {
      return Response.json({ message: `A file may have at most ${maxBytes} bytes.` }, { status: 413, headers });
    }
    const idempotencyKey = idempotencyKeySchema.safeParse(request.headers.get('idempotency-key') ?? undefined);
    if (!idempotencyKey.success) {
      return Response.json({ message: idempotencyKey.error.issues[0]?.message }, { status: 400, headers });
    }
    const digest = parseReprDigest(request.headers.get('repr-digest'));
    if (digest.status === 'malformed') {
      return Response.json(
        { message: 'Repr-Digest must be a digest dictionary such as sha-256=:<base64>: (RFC 9530).' },
        { status: 400, headers },
      );
    }

    const result = await receiveUpload(
      {
        uploads: services.uploads,
        boss: services.boss,
        limits: services.config.imports,
        processing: services.importProcessing,
      },
      {
        apiKeyId,
        format: formats[mediaType as keyof typeof formats],
        idempotencyKey: idempotencyKey.data,
        expectedSha256: digest.status === 'sha-256' ? digest.digest : undefined,
        body: chunksOf(request.body),
      },
    );
    switch (result.status) {
      case 'accepted': {
        const statusUrl = statusUrlOf(result.importId);
        return Response.json(
          { id: result.importId, status: result.state, statusUrl },
          {
            status: 202,
            headers: { ...headers, Location: statusUrl, 'Repr-Digest': formatReprDigest(result.sha256) },
          },
        );
      }
      case 'too-large':
        return Response.json({ message: `A file may have at most ${maxBytes} bytes.` }, { status: 413, headers });
      case 'empty':
        return Response.json({ message: 'The file is empty.' }, { status: 400, headers });
      case 'digest-mismatch':
        return Response.json(
          { message: 'The file that arrived does not match its Repr-Digest; nothing was kept.' },
          { status: 400, headers: { ...headers, 'Repr-Digest': formatReprDigest(result.sha256) } },
        );
      case 'key-reused':
        return Response.json(
          { message: 'This Idempotency-Key was used for another file.', id: result.importId },
          { status: 422, headers },
        );
      case 'in-flight':
        return Response.json(
          { message: 'An upload with this Idempotency-Key is still in progress.' },
          { status: 409, headers: { ...headers, 'Retry-After': '1' } },
        );
    }
  });
}

/** The body's chunks as they arrive; stopping early (a refused upload) cancels the rest. */
async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  const reader = body?.getReader();
  if (!reader) return;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      finished = done;
      if (done) return;
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
  }
}
