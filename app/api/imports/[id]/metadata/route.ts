import { z } from 'zod';
import { importMetadataSchema } from '../../../../../lib/imports/import-metadata.ts';
import { submitMetadata } from '../../../../../lib/imports/import-metadata.server.ts';
import { readJsonRequest } from '../../../json-body.ts';
import { importIdSchema, importJson, notFound, withApiKey } from '../../import-door.server.ts';

// A few short fields; anything much larger is not the metadata file.
const maxBodyBytes = 16 * 1024;

type Params = { params: Promise<{ id: string }> };

/** The supplementary metadata file (the uploader's second call): 202 with the import's status. */
export async function POST(request: Request, { params }: Params): Promise<Response> {
  return withApiKey(request, 'import metadata', async ({ services, apiKeyId, headers }) => {
    const id = importIdSchema.safeParse((await params).id);
    if (!id.success) return notFound(headers);
    const body = await readJsonRequest(request, { maxBytes: maxBodyBytes, what: 'metadata', headers });
    if (body.status === 'refused') return body.response;
    const metadata = importMetadataSchema.safeParse(body.value);
    if (!metadata.success) {
      return Response.json(
        {
          message: 'Send a JSON object with source, batch, notify, onConflict and validateOnly, each optional.',
          errors: z.flattenError(metadata.error).fieldErrors,
        },
        { status: 400, headers },
      );
    }
    const result = await submitMetadata(
      { db: services.db, boss: services.boss, processing: services.importProcessing },
      apiKeyId,
      id.data,
      metadata.data,
    );
    switch (result.status) {
      case 'not-found':
        return notFound(headers);
      case 'conflict':
        return Response.json({ message: result.message, import: importJson(result.import) }, { status: 409, headers });
      case 'accepted':
        return Response.json(importJson(result.import), { status: 202, headers });
    }
  });
}
