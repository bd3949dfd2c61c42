import { describe, expect, it } from 'vitest';
import { fileRecords } from './file-records.ts';
import { fileRows, maxRecordBytes, type FileProblem, type ParsedRow } from './file-rows.ts';

/** The file's bytes as a stream of chunks of `chunkSize`, as the stored file is read back. */
async function* chunksOf(file: Buffer, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < file.length; start += chunkSize) yield file.subarray(start, start + chunkSize);
}

async function parse(
  file: string | Buffer,
  format: 'csv' | 'ndjson' = 'csv',
  chunkSize = 7,
): Promise<(ParsedRow | FileProblem)[]> {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  const rows: (ParsedRow | FileProblem)[] = [];
  const records = fileRecords(chunksOf(bytes, chunkSize), { csv: format === 'csv', maxRecordBytes });
  for await (const row of fileRows(records, format)) rows.push(row);
  return rows;
}

const pending = (line: number, email: string, name: string | null = null) => ({
  line,
  outcome: 'pending',
  email,
  name,
});

describe('fileRows for CSV', () => {
  it('reads the email and name columns by their header, in any order and case, and ignores the others', async () => {
    const rows = await parse('Team,NAME,Email\nred,Ada,Ada@Example.com\nblue,,bob@example.com\n');
    expect(rows).toEqual([pending(2, 'ada@example.com', 'Ada'), pending(3, 'bob@example.com')]);
  });

  it('drops a byte-order mark and the CR of CRLF line ends, and skips blank lines', async () => {
    const rows = await parse('\uFEFFemail,name\r\na@example.com,A\r\n\r\nb@example.com,B\r\n', 'csv', 1);
    expect(rows).toEqual([pending(2, 'a@example.com', 'A'), pending(4, 'b@example.com', 'B')]);
  });

  it('keeps a quoted field across lines as one row, numbered by the line it starts on', async () => {
    const rows = await parse('email,name\n"a@example.com","Ada\nLovelace"\nb@example.com,"Bob ""the"" Builder"\n');
    expect(rows).toEqual([
      pending(2, 'a@example.com', 'Ada Lovelace'),
      pending(4, 'b@example.com', 'Bob "the" Builder'),
    ]);
  });

  it('fails a ragged row, and only that row', async () => {
    const rows = await parse('email,name\na@example.com,A,extra\nb@example.com\nc@example.com,C\n');
    expect(rows).toEqual([
      expect.objectContaining({ line: 2, outcome: 'failed', reason: 'The line has 3 fields where the header has 2.' }),
      expect.objectContaining({ line: 3, outcome: 'failed', reason: 'The line has 1 fields where the header has 2.' }),
      pending(4, 'c@example.com', 'C'),
    ]);
  });

  it('fails a line that is not valid UTF-8, and only that line', async () => {
    const file = Buffer.concat([
      Buffer.from('email,name\na@example.com,'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\nb@example.com,B\n'),
    ]);
    const rows = await parse(file);
    expect(rows).toEqual([
      expect.objectContaining({ line: 2, outcome: 'failed', reason: 'The line is not valid UTF-8.' }),
      pending(3, 'b@example.com', 'B'),
    ]);
  });

  it('fails an overlong line without holding it, and reads on at the next line, even inside an open quote', async () => {
    const long = `"${'x'.repeat(maxRecordBytes + 10)}`;
    const rows = await parse(`email,name\n${long}\nb@example.com,B\n`, 'csv', 4096);
    expect(rows).toEqual([
      expect.objectContaining({
        line: 2,
        outcome: 'failed',
        reason: `The line is longer than ${maxRecordBytes} bytes.`,
      }),
      pending(3, 'b@example.com', 'B'),
    ]);
  });

  it('fails malformed quoting in one row, not its neighbours', async () => {
    const rows = await parse('email,name\na@example.com,A\nb@exa"mple.com,B\nc@example.com,C\n');
    expect(rows).toEqual([
      pending(2, 'a@example.com', 'A'),
      expect.objectContaining({ line: 3, outcome: 'failed', reason: 'The line is not valid CSV (check its quotes).' }),
      pending(4, 'c@example.com', 'C'),
    ]);
  });

  it("checks each row with the sign-up's own rules for the address and the name", async () => {
    const rows = await parse('email,name\nnot-an-address,A\nb@example.com,<script>\n" C@Example.COM ", C \n');
    expect(rows).toEqual([
      expect.objectContaining({
        line: 2,
        outcome: 'failed',
        email: 'not-an-address',
        reason: expect.stringContaining('valid email'),
      }),
      expect.objectContaining({ line: 3, outcome: 'failed', email: 'b@example.com', reason: 'Leave out < and >.' }),
      pending(4, 'c@example.com', 'C'),
    ]);
  });

  it('keeps a formula-like name as the text it is (the CSV report escapes it)', async () => {
    const rows = await parse(
      'email,name\na@example.com,"=HYPERLINK(""http://evil.example"")"\nb@example.com,@SUM(A1)\n',
    );
    expect(rows).toEqual([
      pending(2, 'a@example.com', '=HYPERLINK("http://evil.example")'),
      pending(3, 'b@example.com', '@SUM(A1)'),
    ]);
  });

  it('reports a file without an email column as a problem of the file', async () => {
    expect(await parse('mail,name\na@example.com,A\n')).toEqual([{ problem: expect.stringContaining('header') }]);
  });

  it('reads a last line without a newline', async () => {
    expect(await parse('email\na@example.com')).toEqual([pending(2, 'a@example.com')]);
  });
});

describe('fileRows for NDJSON', () => {
  it('reads an object a line, and fails the lines that are not one', async () => {
    const rows = await parse(
      '{"email":"a@example.com","name":"Ada"}\r\n[1]\n{"email":\n\n{"email":"b@example.com","name":3}\n{"email":"c@example.com"}\n',
      'ndjson',
    );
    expect(rows).toEqual([
      pending(1, 'a@example.com', 'Ada'),
      expect.objectContaining({ line: 2, outcome: 'failed', reason: 'The line is not a JSON object.' }),
      expect.objectContaining({ line: 3, outcome: 'failed', reason: 'The line is not valid JSON.' }),
      expect.objectContaining({ line: 5, outcome: 'failed', reason: 'Enter your name as text.' }),
      pending(6, 'c@example.com'),
    ]);
  });
});
