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
