import { z } from 'zod';
import { csvLine } from '../../../../../lib/imports/csv-cell.ts';
import { importRows, type ImportRowView } from '../../../../../lib/imports/import-rows.server.ts';
import { findImport } from '../../../../../lib/imports/import-status.server.ts';
import { importIdSchema, notFound, withApiKey } from '../../import-door.server.ts';
import { reportFormatFor } from '../../report-format.ts';

type Params = { params: Promise<{ id: string }> };

const outcomeSchema = z.enum(['pending', 'created', 'updated', 'skipped', 'failed']).optional();

const columns = ['line', 'email', 'name', 'outcome', 'reason'] as const;

/**
 * Every row's line, address, outcome and reason (`?outcome=failed` for one outcome only), as JSON
 * or CSV by Accept, streamed a page at a time.
 */
export async function GET(request: Request, { params }: Params): Promise<Response> {
  return withApiKey(request, 'import rows', async ({ services, apiKeyId, headers }) => {
    const id = importIdSchema.safeParse((await params).id);
    const view = id.success ? await findImport(services.db, apiKeyId, id.data) : undefined;
    if (!view) return notFound(headers);
    const outcome = outcomeSchema.safeParse(new URL(request.url).searchParams.get('outcome') ?? undefined);
    if (!outcome.success) {
      return Response.json(
        { message: 'outcome is one of pending, created, updated, skipped, failed.' },
        { status: 400, headers },
      );
    }
    const format = reportFormatFor(request.headers.get('accept'));
    if (!format) {
      return Response.json({ message: 'The rows come as application/json or text/csv.' }, { status: 406, headers });
    }
    const pages = importRows(services.db, view.id, outcome.data);
    const body = format === 'csv' ? csvReport(pages) : jsonReport(view.id, pages);
    return new Response(streamOf(body), {
      headers: {
        ...headers,
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        Vary: 'Accept',
      },
    });
  });
}

async function* csvReport(pages: AsyncIterable<ImportRowView[]>): AsyncGenerator<string> {
  yield csvLine([...columns]);
  for await (const page of pages) yield page.map((row) => csvLine(columns.map((column) => row[column]))).join('');
}

async function* jsonReport(importId: string, pages: AsyncIterable<ImportRowView[]>): AsyncGenerator<string> {
  yield `{"id":${JSON.stringify(importId)},"rows":[`;
  let first = true;
  for await (const page of pages) {
    for (const row of page) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
      first = false;
    }
  }
  yield '\n]}\n';
}

function streamOf(parts: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await parts.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
}
