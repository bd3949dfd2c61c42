import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { anotherDevice, confirmThroughEmail, expect, signInThroughForm, signUpThroughForm, test } from './fixtures.ts';
import { serverActionForm } from './server-action-form.ts';

// Each test walks several pages in two or three browsers and waits for emails: more than the
// default 30 s on a busy machine.
test.describe.configure({ timeout: 60_000 });

const password = 'kangaroo sunset 42';

test('a stolen session cookie opens the account until its owner signs it out', async ({
  page,
  browser,
  context,
  email,
  mailbox,
}) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
  const victim = await anotherDevice(browser);
  await signInThroughForm(victim.page, email, password);
  await expect(victim.page).toHaveURL(/\/account$/);

  // The thief copies the victim's cookie into a browser of their own.
  const stolen = (await victim.context.cookies()).find((cookie) => cookie.name === 'session')!;
  await context.addCookies([stolen]);
  await page.goto('/account');
  await expect(page.getByText(email, { exact: true })).toBeVisible();

  // The owner, from yet another device, signs everyone else out.
  const owner = await anotherDevice(browser);
  await signInThroughForm(owner.page, email, password);
  await owner.page.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(owner.page.locator('.sessions li')).toHaveCount(1);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in/);
  await victim.context.close();
  await owner.context.close();
});

test('the account forms refuse a POST from another origin and change nothing', async ({
  page,
  request,
  email,
  mailbox,
  database,
}) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
  for (const path of ['/sign-in', '/forgot-password']) {
    const form = await serverActionForm(request, path);
    for (const origin of ['https://attacker.example', 'null']) {
      const response = await form.post({ email, password }, { origin });
      expect(response.status(), `${path} from ${origin}`).toBe(403);
    }
  }
  const { rows } = await database.query(
    'SELECT count(*)::int AS sessions FROM sessions JOIN users ON users.id = sessions.user_id WHERE users.email = $1',
    [email],
  );
  expect(rows[0].sessions).toBe(0);
  const jobs = await database.query(
    "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'address-request' AND data->>'email' = $1",
    [email],
  );
  expect(jobs.rows[0].n).toBe(0);
});

test('sign-in guessing reaches the throttle, with a clear wait and no lockout of the owner', async ({
  page,
  browser,
  request,
  email,
  mailbox,
}) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
  const form = await serverActionForm(request, '/sign-in');
  for (let guess = 0; guess < 10; guess += 1) {
    expect((await form.post({ email, password: `guess ${guess}` })).status()).toBe(200);
  }
  // The same client (this test's address), in the browser now.
  await signInThroughForm(page, email, password);
  await expect(page.locator('#form-message')).toHaveText(
    /^Too many sign-in attempts\. Please try again in \d+ minutes?\.$/,
  );
  const owner = await anotherDevice(browser);
  await signInThroughForm(owner.page, email, password);
  await expect(owner.page).toHaveURL(/\/account$/);
  await owner.context.close();
});

test('reset requests for one address reach its cooldown, whoever asks and whether or not it has an account', async ({
  page,
  browser,
}) => {
  const address = `nobody-${randomBytes(6).toString('hex')}@example.com`;
  const other = await anotherDevice(browser);
  const ask = async (asker: Page) => {
    await asker.goto('/forgot-password');
    await asker.getByLabel('Email').fill(address);
    await asker.getByRole('button', { name: 'Send reset link' }).click();
  };
  await ask(page);
  await expect(page.getByRole('status')).toContainText(`If ${address} has an account`);
  // Another client asking for the same address waits out the address's cooldown.
  await ask(other.page);
  await expect(other.page.locator('#form-message')).toHaveText(
    /^A reset link was asked for a moment ago\. Please try again in \d+ (seconds?|minutes?)\.$/,
  );
  await other.context.close();
});
