import { confirmationLinkIn, expect, signUpThroughForm, test } from './fixtures.ts';

test('resending from "check your inbox" shows the cooldown, and only the newest link works', async ({
  page,
  email,
  mailbox,
}) => {
  await signUpThroughForm(page, email, 'kangaroo sunset 42');
  const [first] = await mailbox.waitForEmails(email, 1);

  await page.getByRole('button', { name: 'Send a new link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'a new link is on its way' })).toBeVisible();
  const cooldown = page.getByRole('button', { name: /^Send another link in \d+ s$/ });
  await expect(cooldown).toBeDisabled();
  const shown = Number(/\d+/.exec((await cooldown.textContent()) ?? '')?.[0]);
  expect(shown).toBeGreaterThan(50);
  await expect(cooldown).not.toHaveText(`Send another link in ${shown} s`);

  const emails = await mailbox.waitForEmails(email, 2);
  const second = emails.find((message) => message.id !== first!.id);
  await page.goto(confirmationLinkIn(first!));
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await page.goto(confirmationLinkIn(second!));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
});

test('the resend page refuses a second request for one address within the cooldown', async ({ page, email }) => {
  await page.goto('/resend');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send a new link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'a new link is on its way' })).toBeVisible();

  // Another visit, as a new page would be: the server, not the button, enforces the wait.
  await page.goto('/resend');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send a new link' }).click();
  // The cooldown is 60 s: a second request within the same second is told "1 minute".
  await expect(page.getByText(/You can ask for another in (\d+ seconds|1 minute)\./)).toBeVisible();
  await expect(page.getByRole('button', { name: /^Send another link in \d+ s$/ })).toBeDisabled();
});

test('"check your inbox" without its cookie sends a new link from the page that asks for the address', async ({
  page,
}) => {
  await page.goto('/signup/check-inbox');
  await expect(page.getByRole('button', { name: 'Send a new link' })).toHaveCount(0);
  await page.getByRole('link', { name: 'send a new link' }).click();
  await expect(page.getByRole('heading', { name: 'Send a new confirmation link' })).toBeVisible();
});
