import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { z } from 'zod';
import { signupSchema } from '../lib/accounts/signup-schema.ts';
import { fieldErrorsIn } from '../testing/rendered-form.ts';
import { expect, randomClientIp, test } from './fixtures.ts';
import { serverActionForm } from './server-action-form.ts';

// Generated sign-ups that the validation layer refuses, thrown at both doors. Bounded runs: each
// is an HTTP round trip. Every address that could be valid lies under this run's own domain, so
// "nothing stored" is one query, whatever other tests do meanwhile.
const marker = `p${randomUUID().slice(0, 8)}`;
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('password', '12345678', 'qwertyuiop', 'x'.repeat(257), '<script>alert(1)</script>', "' OR 1=1 --"),
);
const email = fc.oneof(
  text,
  fc.emailAddress().map((address) => `${address.split('@')[0]}@${marker}.example`),
  fc.constantFrom(`ada@${marker}.example\r\nBcc: x@example.com`, `Ada <ada@${marker}.example>`),
);
const formFields = fc.record({ email, password: text, name: text }, { requiredKeys: [] });
const jsonValue = fc.oneof(text, fc.integer(), fc.constant(null), fc.array(text, { maxLength: 2 }), fc.object());
const jsonFields = fc.record(
  { email: fc.oneof(email, jsonValue), password: fc.oneof(text, jsonValue), name: jsonValue },
  { requiredKeys: [] },
);

/** What the validation layer says about the input: the errors each door must report, field by field. */
function expectedErrors(input: unknown) {
  const result = signupSchema.safeParse(input);
  return result.success ? undefined : z.flattenError(result.error).fieldErrors;
}

async function storedUnderMarker(database: {
  query: (sql: string, values: unknown[]) => Promise<{ rows: { count: string }[] }>;
}) {
  const { rows } = await database.query('SELECT count(*) FROM users WHERE email LIKE $1', [`%${marker}%`]);
  return Number(rows[0]!.count);
}

test.describe('generated invalid sign-ups', () => {
  // A few hundred HTTP round trips in all, on a machine that may be busy with other work.
  test.describe.configure({ timeout: 120_000 });

  test('POST /api/users answers each with 400 and exactly the field errors of the validation layer', async ({
    request,
    database,
  }) => {
    await fc.assert(
      fc.asyncProperty(jsonFields, async (fields) => {
        const expected = expectedErrors(fields);
        fc.pre(expected !== undefined);
        const response = await request.post('/api/users', {
          data: fields,
          headers: { 'x-forwarded-for': randomClientIp() },
        });
        expect(response.status()).toBe(400);
        expect((await response.json()).errors).toEqual(expected);
      }),
      { numRuns: 120 },
    );
    expect(await storedUnderMarker(database)).toBe(0);
  });

  test('POST /api/users never answers arbitrary bodies and content types with a 5xx', async ({ request, database }) => {
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      '',
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.json().map((json) => Buffer.from(json)),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, bytes) => {
        const response = await request.post('/api/users', {
          data: Buffer.from(bytes),
          headers: { 'content-type': type, 'x-forwarded-for': randomClientIp() },
        });
        expect([400, 413, 415]).toContain(response.status());
      }),
      { numRuns: 80 },
    );
    expect(await storedUnderMarker(database)).toBe(0);
  });

  test('the sign-up form answers each with the field errors of the validation layer, and stores nothing', async ({
    request,
    database,
  }) => {
    const form = await serverActionForm(request, '/signup');
    await fc.assert(
      fc.asyncProperty(formFields, async (fields) => {
        // A form post is UTF-8: a lone surrogate arrives as U+FFFD, so that is what the oracle gets too.
        const expected = expectedErrors(
          Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, Buffer.from(value).toString()])),
        );
        fc.pre(expected !== undefined);
        const response = await form.post(fields, { 'x-forwarded-for': randomClientIp() });
        expect(response.status()).toBe(200);
        expect(fieldErrorsIn(await response.text())).toEqual(expected);
      }),
      { numRuns: 100 },
    );
    expect(await storedUnderMarker(database)).toBe(0);
  });
});
