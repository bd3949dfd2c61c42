import { expect, test } from './fixtures.ts';

test.describe('POST /api/users', () => {
  test('creates the user and queues the email, answering a repeat exactly like the first', async ({
    request,
    email,
    mailbox,
  }) => {
    const first = await request.post('/api/users', { data: { email, password: 'correct horse battery' } });
    const second = await request.post('/api/users', { data: { email, password: 'another password' } });
    expect(first.status()).toBe(201);
    expect(second.status()).toBe(first.status());
    expect(await second.json()).toEqual(await first.json());

    const emails = await mailbox.waitForEmails(email, 2);
    expect(emails.map((message) => message.subject).sort()).toEqual([
      'Confirm your email address',
      'You already have an account',
    ]);
  });

  test('answers invalid fields with 400 and a message per field', async ({ request }) => {
    const response = await request.post('/api/users', { data: { email: 'nope', password: 'short' } });
    expect(response.status()).toBe(400);
    expect((await response.json()).errors).toEqual({
      email: ['Enter a valid email address, like name@example.com.'],
      password: ['Use at least 8 characters.'],
    });
  });

  test('refuses a body that is not JSON with 415', async ({ request, email }) => {
    const response = await request.post('/api/users', { form: { email, password: 'correct horse battery' } });
    expect(response.status()).toBe(415);
  });

  test('answers malformed JSON with 400', async ({ request }) => {
    const response = await request.post('/api/users', {
      headers: { 'content-type': 'application/json' },
      data: '{"email":',
    });
    expect(response.status()).toBe(400);
  });
});

test.describe('POST /api/password-resets', () => {
  test('answers 202 alike for an address with an account and one without, and emails only the first', async ({
    request,
    email,
    mailbox,
  }) => {
    expect((await request.post('/api/users', { data: { email, password: 'correct horse battery' } })).status()).toBe(
      201,
    );
    const known = await request.post('/api/password-resets', { data: { email } });
    const unknown = await request.post('/api/password-resets', { data: { email: `nobody-${email}` } });
    expect(known.status()).toBe(202);
    expect(unknown.status()).toBe(202);
    expect(await unknown.json()).toEqual(await known.json());
    const emails = await mailbox.waitForEmails(email, 2);
    expect(emails.map((message) => message.subject).sort()).toEqual([
      'Confirm your email address',
      'Reset your password',
    ]);
  });

  test('refuses what is not a request: another media type, a malformed address, a second ask too soon', async ({
    request,
    email,
  }) => {
    expect(
      (
        await request.post('/api/password-resets', { data: 'email=x', headers: { 'content-type': 'text/plain' } })
      ).status(),
    ).toBe(415);
    const malformed = await request.post('/api/password-resets', { data: { email: 'nope' } });
    expect(malformed.status()).toBe(400);
    expect((await malformed.json()).errors.email).toHaveLength(1);
    expect((await request.post('/api/password-resets', { data: { email } })).status()).toBe(202);
    const again = await request.post('/api/password-resets', { data: { email } });
    expect(again.status()).toBe(429);
    expect(Number(again.headers()['retry-after'])).toBeGreaterThan(0);
  });
});
