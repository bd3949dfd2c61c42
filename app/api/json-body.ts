export type JsonBody = { status: 'parsed'; value: unknown } | { status: 'too-large' } | { status: 'malformed' };

/**
 * Reads a request body as JSON, stopping as soon as it grows past `maxBytes` (a declared
 * Content-Length is not trusted: a chunked body has none), and refusing invalid UTF-8 rather than
 * letting it turn into replacement characters.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return { status: 'too-large' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { status: 'too-large' };
    }
    chunks.push(value);
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    return { status: 'parsed', value: JSON.parse(text) };
  } catch {
    return { status: 'malformed' };
  }
}

/**
 * A JSON API request's body, or the answer that refuses it: another media type (415), more than
 * `maxBytes` (413), or not JSON in UTF-8 (400). `what` names the request in the 415's message.
 */
export async function readJsonRequest(
  request: Request,
  { maxBytes, what, headers }: { maxBytes: number; what: string; headers: Record<string, string> },
): Promise<{ status: 'parsed'; value: unknown } | { status: 'refused'; response: Response }> {
  const refuse = (message: string, status: number) => ({
    status: 'refused' as const,
    response: Response.json({ message }, { status, headers }),
  });
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json')
    return refuse(`Send the ${what} as JSON (Content-Type: application/json).`, 415);
  const body = await readJsonBody(request, maxBytes);
  if (body.status === 'too-large') return refuse(`Send at most ${maxBytes} bytes.`, 413);
  if (body.status === 'malformed') return refuse('The body is not valid JSON in UTF-8.', 400);
  return body;
}
