import { randomUUID } from 'node:crypto';
import { fieldErrorsIn } from '../testing/rendered-form.ts';
import { expect, randomClientIp, test } from './fixtures.ts';
import { serverActionForm } from './server-action-form.ts';

// Every address in the corpus lies under this run's own domain, so "nothing stored" is one query.
const marker = `h${randomUUID().slice(0, 8)}.example`;
const strong = 'kangaroo sunset 42';

type Entry = { name: string; fields: Record<string, unknown> };

/** Hostile and careless inputs, each of which must be refused with a clear error and leave nothing behind. */
const corpus: Entry[] = [
  { name: 'SQL in the address', fields: { email: `x@${marker}' OR '1'='1`, password: strong } },
  { name: 'SQL comment in the address', fields: { email: `'; DROP TABLE users; --@${marker}`, password: strong } },
  {
    name: 'CRLF header injection in the address',
    fields: { email: `a@${marker}\r\nBcc: victim@example.com`, password: strong },
  },
  { name: 'LF header injection in the address', fields: { email: `a@${marker}\nSubject: hi`, password: strong } },
  { name: 'display name in the address', fields: { email: `Ada <ada@${marker}>`, password: strong } },
  { name: 'NUL in the address', fields: { email: `a\0b@${marker}`, password: strong } },
  {
    name: 'script in the name',
    fields: { email: `s1@${marker}`, password: strong, name: '<script>alert(1)</script>' },
  },
  {
    name: 'HTML attribute in the name',
    fields: { email: `s2@${marker}`, password: strong, name: '<img src=x onerror=alert(1)>' },
  },
  { name: 'overlong address', fields: { email: `${'a'.repeat(300)}@${marker}`, password: strong } },
  { name: 'overlong local part', fields: { email: `${'a'.repeat(65)}@${marker}`, password: strong } },
  { name: 'overlong password', fields: { email: `o1@${marker}`, password: 'x'.repeat(257) } },
  { name: 'overlong name', fields: { email: `o2@${marker}`, password: strong, name: 'n'.repeat(101) } },
  { name: '100 KB name', fields: { email: `o3@${marker}`, password: strong, name: 'n'.repeat(100_000) } },
  { name: 'common password', fields: { email: `c1@${marker}`, password: 'password1' } },
  { name: 'password from the address', fields: { email: `quenthorpe@${marker}`, password: 'quenthorpe' } },
  { name: 'missing password', fields: { email: `m1@${marker}` } },
  { name: 'missing address', fields: { password: strong } },
  { name: 'empty fields', fields: { email: '', password: '', name: '' } },
];

/** JSON-only: shapes a form cannot carry. */
const jsonCorpus: Entry[] = [
  { name: 'array as address', fields: { email: [`a1@${marker}`], password: strong } },
  { name: 'array as password', fields: { email: `a2@${marker}`, password: [strong, strong] } },
  { name: 'object as name', fields: { email: `a3@${marker}`, password: strong, name: { first: 'Ada' } } },
  { name: 'number as password', fields: { email: `a4@${marker}`, password: 12345678901 } },
  { name: 'null everywhere', fields: { email: null, password: null, name: null } },
];

/** Raw requests to the JSON endpoint and the status each must get. */
const rawCorpus: { name: string; body: string | Buffer; contentType: string; status: number }[] = [
  {
    name: 'invalid UTF-8',
    body: Buffer.from([0x7b, 0x22, 0x65, 0xff, 0xfe, 0x22, 0x7d]),
    contentType: 'application/json',
    status: 400,
  },
  { name: 'truncated JSON', body: '{"email":', contentType: 'application/json', status: 400 },
  {
    name: 'JSON array',
    body: `[{"email":"r1@${marker}","password":"${strong}"}]`,
    contentType: 'application/json',
    status: 400,
  },
  { name: 'JSON string', body: '"hello"', contentType: 'application/json', status: 400 },
  {
    name: '1 MB body',
    body: JSON.stringify({ email: `r2@${marker}`, password: strong, name: 'n'.repeat(1 << 20) }),
    contentType: 'application/json',
    status: 413,
  },
  {
    name: 'form-encoded body',
    body: `email=r3%40${marker}&password=x`,
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
  { name: 'plain text body', body: `r4@${marker}`, contentType: 'text/plain', status: 415 },
  { name: 'XML body', body: `<user><email>r5@${marker}</email></user>`, contentType: 'application/xml', status: 415 },
];

test('hostile inputs get a clear error and store nothing', async ({ request, database }) => {
  test.setTimeout(90_000);
  const counts = { tried: 0, rejected: 0 };
  const tally = (rejected: boolean) => {
    counts.tried += 1;
    if (rejected) counts.rejected += 1;
  };
  const ip = () => ({ 'x-forwarded-for': randomClientIp() });

  for (const { name, fields } of [...corpus, ...jsonCorpus]) {
    const response = await request.post('/api/users', { data: fields, headers: ip() });
    const body = await response.json();
    // A body past the endpoint's size limit is refused whole (413) before any field is read.
    const status = JSON.stringify(fields).length > 8 * 1024 ? 413 : 400;
    expect(response.status(), `API: ${name}`).toBe(status);
    if (status === 400) expect(Object.keys(body.errors).length, `API: ${name} names the field`).toBeGreaterThan(0);
    tally(response.status() === status);
  }

  for (const { name, body, contentType, status } of rawCorpus) {
    const response = await request.post('/api/users', {
      data: body,
      headers: { 'content-type': contentType, ...ip() },
    });
    expect(response.status(), `API: ${name}`).toBe(status);
    expect((await response.json()).message, `API: ${name} explains`).toBeTruthy();
    tally(response.status() === status);
  }

  const form = await serverActionForm(request, '/signup');
  for (const { name, fields } of corpus) {
    const response = await form.post(fields as Record<string, string>, ip());
    expect(response.status(), `form: ${name}`).toBe(200);
    expect(
      Object.keys(fieldErrorsIn(await response.text())).length,
      `form: ${name} shows a field error`,
    ).toBeGreaterThan(0);
    tally(response.status() === 200);
  }

  const { rows } = await database.query<{ count: string }>('SELECT count(*) FROM users WHERE email LIKE $1', [
    `%${marker}%`,
  ]);
  const stored = Number(rows[0]!.count);
  expect(stored).toBe(0);
  console.log(`hostile inputs: tried ${counts.tried}, rejected ${counts.rejected}, stored ${stored}`);
});

test('text that reaches an email stays text: no header, no markup', async ({ request, email, mailbox, database }) => {
  const name = `Bob "&" O'Hara'); DROP TABLE users;--\r\nBcc: victim@example.com\u202e`;
  const response = await request.post('/api/users', { data: { email, password: strong, name } });
  expect(response.status()).toBe(201);

  const [message] = await mailbox.waitForEmails(email);
  // Line breaks were taken out before the name was stored; it goes into the body only, escaped in HTML.
  const stored = await database.query<{ name: string }>('SELECT name FROM users WHERE email = $1', [email]);
  expect(stored.rows[0]?.name).toBe(`Bob "&" O'Hara'); DROP TABLE users;-- Bcc: victim@example.com`);
  expect(message!.to).toEqual([expect.objectContaining({ address: email })]);
  expect(message!.subject).toBe('Confirm your email address');
  expect(message!.html).toContain(
    `Hello Bob &quot;&amp;&quot; O&#39;Hara&#39;); DROP TABLE users;-- Bcc: victim@example.com,`,
  );
  expect(message!.text).toContain(`Hello Bob "&" O'Hara'); DROP TABLE users;-- Bcc: victim@example.com,`);
});
