import { expect, test } from './fixtures.ts';

test('sign-up attempts from one client are limited: 429 and Retry-After for the API, a message in the form', async ({
  request,
  page,
}) => {
  // Invalid attempts count too, and cost the server nothing else: 20 of them use up the budget.
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    expect((await request.post('/api/users', { data: {} })).status()).toBe(400);
  }
  const refused = await request.post('/api/users', { data: {} });
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
  expect((await refused.json()).message).toMatch(/^Too many sign-up attempts\. Please try again in \d+ minutes?\.$/);

  await page.goto('/signup');
  await page.getByLabel('Email').fill('someone@example.com');
  await page.getByLabel('Password').fill('kangaroo sunset 42');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('#form-message')).toHaveText(
    /^Too many sign-up attempts from your network\. Please try again in \d+ minutes?\.$/,
  );
  await expect(page.getByLabel('Email')).toHaveValue('someone@example.com');
});

test('another client is not held back by the first', async ({ request }) => {
  expect((await request.post('/api/users', { data: {} })).status()).toBe(400);
});
