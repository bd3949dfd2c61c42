/** One record of an uploaded file: its bytes, or why it has none, and the line it starts on (1-based). */
export type FileRecord = { line: number; bytes: Buffer } | { line: number; overlong: true };

const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const quote = 0x22;
const comma = 0x2c;
const byteOrderMark = Buffer.from([0xef, 0xbb, 0xbf]);

// Where a CSV scanner stands (RFC 4180): a newline ends the record except inside a quoted field.
const fieldStart = 0;
const unquoted = 1;
const quoted = 2;
const quoteInQuoted = 3;

/**
 * Splits a file's bytes into records without holding more than one record (and one chunk): CSV
 * records end at a newline outside quotes, so a quoted field may span lines; NDJSON records are
 * lines. Blank lines are skipped, a leading byte-order mark and a record's trailing CR dropped.
 * A record longer than `maxRecordBytes` is reported as overlong and the scan resumes at the next
 * newline, quotes or not: an unclosed quote must not swallow the rest of the file.
 */
export async function* fileRecords(
  chunks: AsyncIterable<Uint8Array>,
  { csv, maxRecordBytes }: { csv: boolean; maxRecordBytes: number },
): AsyncGenerator<FileRecord> {
  let state = fieldStart;
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  let line = 1;
  let startLine = 1;
  let first = true;

  const finish = (): FileRecord | undefined => {
    const record: FileRecord | undefined = overlong
      ? { line: startLine, overlong: true }
      : recordOf(startLine, Buffer.concat(parts, size));
    parts = [];
    size = 0;
    overlong = false;
    state = fieldStart;
    startLine = line;
    return record;
  };

  for await (const chunk of chunks) {
    let buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (first) {
      first = false;
      if (buffer.subarray(0, 3).equals(byteOrderMark)) buffer = buffer.subarray(3);
    }
    let segmentStart = 0;
    for (let index = 0; index < buffer.length; index += 1) {
      const byte = buffer[index];
      if (byte === lineFeed) {
        line += 1;
        if (state !== quoted) {
          if (!overlong) parts.push(buffer.subarray(segmentStart, index));
          size += index - segmentStart;
          segmentStart = index + 1;
          const record = finish();
          if (record) yield record;
          continue;
        }
      }
      if (!overlong && size + index - segmentStart >= maxRecordBytes) {
        overlong = true;
        // Resume at the next newline, as if no quote were open.
        state = unquoted;
      }
      if (!csv || overlong) continue;
      if (state === quoted) {
        if (byte === quote) state = quoteInQuoted;
      } else if (byte === comma) {
        state = fieldStart;
      } else if (state === fieldStart) {
        state = byte === quote ? quoted : unquoted;
      } else if (state === quoteInQuoted) {
        // A doubled quote is an escaped one; anything else after a closing quote is malformed, which
        // the CSV parser reports for this record.
        state = byte === quote ? quoted : unquoted;
      }
    }
    if (!overlong) parts.push(Buffer.from(buffer.subarray(segmentStart)));
    size += buffer.length - segmentStart;
  }
  const last = finish();
  if (last) yield last;
}

function recordOf(line: number, bytes: Buffer): FileRecord | undefined {
  const end = bytes.at(-1) === carriageReturn ? bytes.length - 1 : bytes.length;
  return end === 0 ? undefined : { line, bytes: bytes.subarray(0, end) };
}
