import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { signupFieldsSchema } from '../accounts/signup-fields.ts';
import type { FileRecord } from './file-records.ts';

/** A row as the parse leaves it: waiting to be committed, or failed with the reason. */
export type ParsedRow =
  | { line: number; outcome: 'pending'; email: string; name: string | null }
  | { line: number; outcome: 'failed'; email: string | null; name: string | null; reason: string };

/** Whatever the header says, the file cannot be read as rows. */
export type FileProblem = { problem: string };

// The longest record read as a row: an address (254) and a name (100, up to 4 bytes a character)
// with room for other columns. Longer is not a person's row and would only cost memory.
export const maxRecordBytes = 64 * 1024;

// Addresses and names are kept on failed rows for the report, cut to what any valid one could be.
const keptLength = 400;

// Records parsed per call of the CSV parser: one call per record cost ~18 µs, most of it set-up.
const csvBatch = 500;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns a file's records into rows checked with the sign-up's own rules for an address and a name.
 * A bad row (bad UTF-8, malformed CSV or JSON, ragged, overlong, invalid address or name) is that
 * row's outcome and never stops the others. A CSV file's first record is its header, which names
 * the `email` and `name` columns (in any order, any case; others are ignored).
 */
export async function* fileRows(
  records: AsyncIterable<FileRecord>,
  format: 'csv' | 'ndjson',
): AsyncGenerator<ParsedRow | FileProblem> {
  if (format === 'ndjson') {
    for await (const record of records) yield ndjsonRow(record);
    return;
  }
  let header: { email: number; name: number | undefined; fields: number } | undefined;
  let batch: { line: number; text: string }[] = [];
  for await (const record of records) {
    if (!header) {
      const fields = 'bytes' in record ? decode(record.bytes) : undefined;
      const columns = fields === undefined ? undefined : parseRecords(fields)?.[0];
      const names = columns?.map((column) => column.trim().toLowerCase());
      const email = names?.indexOf('email') ?? -1;
      if (!names || email < 0) {
        yield { problem: 'The first line must be a header naming an email column (and a name column, if any).' };
        return;
      }
      const name = names.indexOf('name');
      header = { email, name: name < 0 ? undefined : name, fields: names.length };
      continue;
    }
    if (!('bytes' in record)) {
      yield failed(record.line, `The line is longer than ${maxRecordBytes} bytes.`);
      continue;
    }
    const text = decode(record.bytes);
    if (text === undefined) {
      yield failed(record.line, 'The line is not valid UTF-8.');
      continue;
    }
    batch.push({ line: record.line, text });
    if (batch.length >= csvBatch) {
      yield* csvRows(batch, header);
      batch = [];
    }
  }
  if (header) yield* csvRows(batch, header);
}

function csvRows(
  batch: { line: number; text: string }[],
  header: { email: number; name: number | undefined; fields: number },
): ParsedRow[] {
  if (batch.length === 0) return [];
  // One call for the batch; if any record in it is malformed, each on its own to find which.
  const together = parseRecords(batch.map((record) => record.text).join('\n'));
  const fieldsOf = together?.length === batch.length ? together : batch.map((record) => parseRecords(record.text)?.[0]);
  return batch.map(({ line }, index) => {
    const fields = fieldsOf[index];
    if (!fields) return failed(line, 'The line is not valid CSV (check its quotes).');
    if (fields.length !== header.fields) {
      return failed(line, `The line has ${fields.length} fields where the header has ${header.fields}.`);
    }
    return checkedRow(line, fields[header.email], header.name === undefined ? undefined : fields[header.name]);
  });
}

function parseRecords(text: string): string[][] | undefined {
  try {
    return parseCsv(text, { relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
  } catch {
    return undefined;
  }
}

const ndjsonLine = z.object({ email: z.unknown().optional(), name: z.unknown().optional() });

function ndjsonRow(record: FileRecord): ParsedRow {
  if (!('bytes' in record)) return failed(record.line, `The line is longer than ${maxRecordBytes} bytes.`);
  const text = decode(record.bytes);
  if (text === undefined) return failed(record.line, 'The line is not valid UTF-8.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return failed(record.line, 'The line is not valid JSON.');
  }
  const fields = ndjsonLine.safeParse(value);
  if (!fields.success) return failed(record.line, 'The line is not a JSON object.');
  return checkedRow(record.line, fields.data.email, fields.data.name ?? undefined);
}

/** The sign-up's rules for the address and the name, as the sign-up form applies them. */
function checkedRow(line: number, rawEmail: unknown, rawName: unknown): ParsedRow {
  const email = signupFieldsSchema.shape.email.safeParse(rawEmail);
  const name = signupFieldsSchema.shape.name.safeParse(rawName === '' ? undefined : rawName);
  const keptEmail = typeof rawEmail === 'string' ? rawEmail.slice(0, keptLength) : null;
  const keptName = typeof rawName === 'string' ? rawName.slice(0, keptLength) : null;
  if (!email.success) return failed(line, email.error.issues[0]?.message ?? 'invalid email', keptEmail, keptName);
  if (!name.success) return failed(line, name.error.issues[0]?.message ?? 'invalid name', email.data, keptName);
  return { line, outcome: 'pending', email: email.data, name: name.data ?? null };
}

function failed(line: number, reason: string, email: string | null = null, name: string | null = null): ParsedRow {
  return { line, outcome: 'failed', email, name, reason };
}

function decode(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
