import { cancelImport, findImport } from '../../../../lib/imports/import-status.server.ts';
import { importIdSchema, importJson, notFound, withApiKey } from '../import-door.server.ts';

type Params = { params: Promise<{ id: string }> };

/** Where an import stands: its state, counts, percent and timestamps. */
export async function GET(request: Request, { params }: Params): Promise<Response> {
  return withApiKey(request, 'import status', async ({ services, apiKeyId, headers }) => {
    const id = importIdSchema.safeParse((await params).id);
    const view = id.success ? await findImport(services.db, apiKeyId, id.data) : undefined;
    return view ? Response.json(importJson(view), { headers }) : notFound(headers);
  });
}

/** Cancels what is not done yet (200); an import that has finished stays as it is (409). */
export async function DELETE(request: Request, { params }: Params): Promise<Response> {
  return withApiKey(request, 'import cancel', async ({ services, apiKeyId, headers }) => {
    const id = importIdSchema.safeParse((await params).id);
    const result = id.success ? await cancelImport(services.db, apiKeyId, id.data) : undefined;
    if (!result) return notFound(headers);
    return Response.json(importJson(result.import), { status: result.status === 'cancelled' ? 200 : 409, headers });
  });
}
