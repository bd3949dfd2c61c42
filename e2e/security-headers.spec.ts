import { randomBytes } from 'node:crypto';
import { confirmationLinkIn, expect, test } from './fixtures.ts';
import { serverActionForm } from './server-action-form.ts';

test('every page carries the security headers, and the sign-up journey breaks no rule of the CSP', async ({
  page,
  email,
}) => {
  // Walks five pages and a sign-up: more than the default 30 s on a busy machine.
  test.setTimeout(60_000);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });

  const token = randomBytes(32).toString('base64url');
  for (const path of [
    '/signup',
    '/resend',
    `/confirm?token=${token}`,
    '/confirm/done',
    '/sign-in',
    '/forgot-password',
    '/reset-password',
    `/confirm-email-change?token=${token}`,
  ]) {
    const response = await page.goto(path);
    const headers = response!.headers();
    expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy'], path).toContain("object-src 'none'");
    expect(headers['x-frame-options'], path).toBe('DENY');
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('strict-origin');
    expect(headers['x-powered-by'], path).toBeUndefined();
  }

  // Exercise the client-side code: hydration, a server action with field errors, then a redirect.
  await page.goto('/signup');
  await page.getByLabel('Email').fill('not-an-address');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('#email-error')).not.toBeEmpty();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('kangaroo sunset 42');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await page.getByRole('button', { name: 'Send a new link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'a new link' })).toBeVisible();

  expect(violations).toEqual([]);
});

test('a server action posted from another origin is refused and stores nothing', async ({
  request,
  email,
  database,
}) => {
  const form = await serverActionForm(request, '/signup');
  for (const origin of ['https://attacker.example', 'null']) {
    const response = await form.post({ email, password: 'kangaroo sunset 42' }, { origin });
    expect(response.status(), origin).toBe(403);
    expect(await response.text(), origin).toBe('Cross-origin requests are refused.\n');
    expect(response.headers()['x-content-type-options'], origin).toBe('nosniff');
  }
  const { rows } = await database.query('SELECT 1 FROM users WHERE email = $1', [email]);
  expect(rows).toHaveLength(0);
});

test('the same form posted from the app itself signs up', async ({ request, email, database }) => {
  const form = await serverActionForm(request, '/signup');
  const response = await form.post({ email, password: 'kangaroo sunset 42' });
  expect(response.status()).toBe(303);
  expect(response.headers()['location']).toBe('/signup/check-inbox');
  const { rows } = await database.query('SELECT 1 FROM users WHERE email = $1', [email]);
  expect(rows).toHaveLength(1);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the confirmation form still posts under the referrer policy', async ({ page, request, email, mailbox }) => {
    await request.post('/api/users', { data: { email, password: 'kangaroo sunset 42' } });
    const [message] = await mailbox.waitForEmails(email);
    await page.goto(confirmationLinkIn(message!));
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
  });
});
