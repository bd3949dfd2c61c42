import type { APIResponse } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { serverActionForm } from './server-action-form.ts';

// Headers that differ between any two responses, whatever they answer.
const perResponse = new Set(['date', 'etag', 'x-nextjs-stale-time', 'keep-alive', 'connection', 'x-request-id']);

/** A response as a comparable value: status, headers and body, with the address asked about blanked out. */
async function answer(response: APIResponse, address: string) {
  const blank = (text: string) =>
    text.replaceAll(address, '<address>').replaceAll(encodeURIComponent(address), '<address>');
  // A cookie's Expires is computed from the clock, like Date; the delivery cookie holds a random id.
  const headers = Object.entries(response.headers())
    .filter(([name]) => !perResponse.has(name))
    .map(([name, value]) => [
      name,
      blank(value)
        .replace(/Expires=[^;]+/, 'Expires=<date>')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<random id>'),
    ]);
  return { status: response.status(), headers: Object.fromEntries(headers), body: blank(await response.text()) };
}

test.describe('an address with an account and one without get the same answer', () => {
  test('from POST /api/users', async ({ request, email }) => {
    const unknown = `unknown-${email}`;
    await request.post('/api/users', { data: { email, password: 'kangaroo sunset 42' } });
    const known = await request.post('/api/users', { data: { email, password: 'another kangaroo 43' } });
    const fresh = await request.post('/api/users', { data: { email: unknown, password: 'another kangaroo 43' } });
    expect(await answer(known, email)).toEqual(await answer(fresh, unknown));
  });

  test('from the sign-up form', async ({ request, email }) => {
    const unknown = `unknown-${email}`;
    const form = await serverActionForm(request, '/signup');
    await form.post({ email, password: 'kangaroo sunset 42' });
    const known = await form.post({ email, password: 'another kangaroo 43', name: 'X' });
    const fresh = await form.post({ email: unknown, password: 'another kangaroo 43', name: 'X' });
    expect(known.status()).toBe(303);
    expect(await answer(known, email)).toEqual(await answer(fresh, unknown));
  });

  test('from the resend form', async ({ request, email }) => {
    const unknown = `unknown-${email}`;
    await request.post('/api/users', { data: { email, password: 'kangaroo sunset 42' } });
    const form = await serverActionForm(request, '/resend');
    const known = await form.post({ email });
    const fresh = await form.post({ email: unknown });
    expect(known.status()).toBe(200);
    expect(await answer(known, email)).toEqual(await answer(fresh, unknown));
  });
});
