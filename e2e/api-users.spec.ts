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
