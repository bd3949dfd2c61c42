import { createHash, randomBytes } from 'node:crypto';
import { confirmationLinkIn, expect, test } from './fixtures.ts';

test('an unknown token gets a clear page with a way to ask for a new email', async ({ page }) => {
  await page.goto(`/confirm?token=${randomBytes(32).toString('base64url')}`);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await page.getByRole('link', { name: 'Send me a new confirmation link' }).click();
  await expect(page.getByRole('heading', { name: 'Send a new confirmation link' })).toBeVisible();
});

test('a malformed token gets the same page', async ({ page }) => {
  await page.goto('/confirm?token=%3Cscript%3E');
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await page.goto('/confirm');
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
});

test('an expired link says so, and a new link can be requested and used', async ({
  page,
  email,
  mailbox,
  database,
}) => {
  // Stored the way the worker stores tokens: only their SHA-256 digest.
  const token = randomBytes(32).toString('base64url');
  const {
    rows: [user],
  } = await database.query<{ id: string }>(
    `INSERT INTO users (id, email, password_hash) VALUES (gen_random_uuid(), $1, 'not-a-real-hash') RETURNING id`,
    [email],
  );
  await database.query(
    `INSERT INTO tokens (id, user_id, purpose, token_hash, expires_at)
     VALUES (gen_random_uuid(), $1, 'confirm-email', $2, now() - interval '1 minute')`,
    [user?.id, createHash('sha256').update(token).digest('hex')],
  );

  await page.goto(`/confirm?token=${token}`);
  await expect(page.getByRole('heading', { name: 'This link has expired' })).toBeVisible();
  await page.getByRole('link', { name: 'Send me a new confirmation link' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send a new link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'a new link is on its way' })).toBeVisible();

  const [message] = await mailbox.waitForEmails(email);
  await page.goto(confirmationLinkIn(message!));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
});
