import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import {
  anotherDevice,
  confirmThroughEmail,
  expect,
  linkIn,
  signInThroughForm,
  signUpThroughForm,
  test,
  type Mailbox,
} from './fixtures.ts';

// Each test walks several pages in two or three browsers and waits for emails: more than the
// default 30 s on a busy machine.
test.describe.configure({ timeout: 60_000 });

const password = 'kangaroo sunset 42';
const newPassword = 'wombat thunder 1977';

async function confirmedAccount(page: Page, mailbox: Mailbox, email: string) {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
}

async function askForReset(page: Page, email: string) {
  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toContainText(`If ${email} has an account, a link to reset its password`);
}

/** The newest email to `address` with this subject, once there are `count` of them. */
async function emailWithSubject(mailbox: Mailbox, address: string, subject: string, count = 1) {
  let found;
  await expect
    .poll(async () => {
      const emails = await mailbox.waitForEmails(address);
      found = emails.filter((email) => email.subject === subject);
      return found.length;
    })
    .toBeGreaterThanOrEqual(count);
  return found![found!.length - 1]!;
}

test('forgot password: the email link sets a new password, ends every session, and the new one signs in', async ({
  page,
  browser,
  playwright,
  email,
  mailbox,
}) => {
  await confirmedAccount(page, mailbox, email);
  const laptop = await anotherDevice(browser);
  await signInThroughForm(laptop.page, email, password);
  await expect(laptop.page).toHaveURL(/\/account$/);

  await askForReset(page, email);
  const link = linkIn(await emailWithSubject(mailbox, email, 'Reset your password'), '/reset-password');

  // A mail scanner fetches the link first: it gets a redirect and uses nothing up.
  const scanner = await playwright.request.newContext();
  const scanned = await scanner.get(link, { maxRedirects: 0 });
  expect(scanned.status()).toBe(303);
  expect(scanned.headers()['referrer-policy']).toBe('no-referrer');
  expect(scanned.headers()['location']).not.toContain('token');
  await scanner.dispose();

  await page.goto(link);
  await expect(page).toHaveURL(/\/reset-password$/);
  await page.getByLabel('New password').fill('password123');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.locator('#password-error')).not.toBeEmpty();
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('heading', { name: 'Your password is changed' })).toBeVisible();
  await emailWithSubject(mailbox, email, 'Your password was changed');

  // Not signed in by the reset, and the laptop's session is gone.
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in/);
  await laptop.page.goto('/account');
  await expect(laptop.page).toHaveURL(/\/sign-in/);
  await laptop.context.close();

  await signInThroughForm(page, email, password);
  await expect(page.locator('#form-message')).toHaveText('That email and password do not match an account.');
  await signInThroughForm(page, email, newPassword);
  await expect(page).toHaveURL(/\/account$/);

  // Used once, the link says so and offers the next step.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This reset link was used already' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Send me a new reset link' })).toHaveAttribute(
    'href',
    '/forgot-password',
  );
});

test('forgot password answers an address without an account as it answers one with', async ({ page, email }) => {
  await askForReset(page, `nobody-${email}`);
});

test('expired, tampered and superseded reset links get a clear page with the next step', async ({
  page,
  email,
  mailbox,
  database,
}) => {
  await confirmedAccount(page, mailbox, email);
  await askForReset(page, email);
  const first = linkIn(await emailWithSubject(mailbox, email, 'Reset your password'), '/reset-password');

  await page.goto(`${first.slice(0, -2)}xx`);
  await expect(page.getByRole('heading', { name: 'This reset link is not valid' })).toBeVisible();

  // A minute later (the cooldown per address), a second link makes the first one stop working.
  const cooldownKey = `reset-address:${createHash('sha256').update(email).digest('base64url')}`;
  await database.query('DELETE FROM rate_limit.counters WHERE key = $1', [cooldownKey]);
  await askForReset(page, email);
  const second = linkIn(await emailWithSubject(mailbox, email, 'Reset your password', 2), '/reset-password');
  await page.goto(first);
  await expect(page.getByRole('heading', { name: 'This reset link is not valid' })).toBeVisible();

  await database.query(
    `UPDATE tokens SET expires_at = now() - interval '1 minute'
      WHERE purpose = 'reset-password' AND user_id = (SELECT id FROM users WHERE email = $1)`,
    [email],
  );
  await page.goto(second);
  await expect(page.getByRole('heading', { name: 'This reset link has expired' })).toBeVisible();
  await page.getByRole('link', { name: 'Send me a new reset link' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
});

test('change password: needs the current one, signs the other devices out, and emails a notice', async ({
  page,
  browser,
  email,
  mailbox,
}) => {
  await confirmedAccount(page, mailbox, email);
  await signInThroughForm(page, email, password);
  const phone = await anotherDevice(browser);
  await signInThroughForm(phone.page, email, password);
  await expect(phone.page).toHaveURL(/\/account$/);

  const form = page.getByRole('region', { name: 'Change password' });
  await form.getByLabel('Current password').fill('not my password');
  await form.getByLabel('New password').fill(newPassword);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.locator('#password-current-error')).toHaveText('That is not your current password.');

  await form.getByLabel('Current password').fill(password);
  await form.getByLabel('New password').fill(newPassword);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status')).toHaveText('Your password is changed. Every other device was signed out.');
  await emailWithSubject(mailbox, email, 'Your password was changed');

  await phone.page.goto('/account');
  await expect(phone.page).toHaveURL(/\/sign-in/);
  await signInThroughForm(phone.page, email, newPassword);
  await expect(phone.page).toHaveURL(/\/account$/);
  await phone.context.close();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
});

test('change email: the new address confirms, the old one is told and can undo it', async ({
  page,
  email,
  mailbox,
}) => {
  const newEmail = `new-${email}`;
  await confirmedAccount(page, mailbox, email);
  await signInThroughForm(page, email, password);

  const form = page.getByRole('region', { name: 'Change email' });
  await form.getByLabel('New email').fill(newEmail);
  await form.getByLabel('Current password').fill(password);
  await form.getByRole('button', { name: 'Change email' }).click();
  await expect(form.getByRole('status')).toContainText(`We sent a link to ${newEmail}`);
  await expect(page.getByText(email, { exact: true })).toBeVisible();

  const notice = await emailWithSubject(mailbox, email, 'Your email address is being changed');
  const confirmLink = linkIn(
    await emailWithSubject(mailbox, newEmail, 'Confirm your new email address'),
    '/confirm-email-change',
  );
  await page.goto(confirmLink);
  await page.getByRole('button', { name: 'Confirm my new address' }).click();
  await expect(page.getByRole('heading', { name: 'Your email address is changed' })).toBeVisible();
  await page.goto('/account');
  await expect(page.getByText(newEmail, { exact: true })).toBeVisible();
  await page.goto(confirmLink);
  await expect(page.getByRole('heading', { name: 'This link was used already' })).toBeVisible();

  // It was not the owner: the notice's link takes the account back and signs everyone out.
  await page.goto(linkIn(notice, '/cancel-email-change'));
  await page.getByRole('button', { name: 'Cancel the change' }).click();
  await expect(page.getByRole('heading', { name: 'The change is cancelled' })).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in/);
  await signInThroughForm(page, email, password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(email, { exact: true })).toBeVisible();
});

test('change email to a taken address: the same answer, and its owner is told instead', async ({
  page,
  browser,
  email,
  mailbox,
}) => {
  const owner = `owner-${email}`;
  const other = await anotherDevice(browser);
  await confirmedAccount(other.page, mailbox, owner);
  await other.context.close();
  await confirmedAccount(page, mailbox, email);
  await signInThroughForm(page, email, password);

  const form = page.getByRole('region', { name: 'Change email' });
  await form.getByLabel('New email').fill(owner);
  await form.getByLabel('Current password').fill(password);
  await form.getByRole('button', { name: 'Change email' }).click();
  await expect(form.getByRole('status')).toContainText(`We sent a link to ${owner}`);
  await emailWithSubject(mailbox, owner, 'Someone tried to use your email address');
  await emailWithSubject(mailbox, email, 'Your email address is being changed');
});

test('superseded, tampered and expired email change links get a clear page', async ({
  page,
  email,
  mailbox,
  database,
}) => {
  const newEmail = `moving-${email}`;
  await confirmedAccount(page, mailbox, email);
  await signInThroughForm(page, email, password);
  const form = page.getByRole('region', { name: 'Change email' });
  for (let i = 1; i <= 2; i += 1) {
    await form.getByLabel('New email').fill(newEmail);
    await form.getByLabel('Current password').fill(password);
    await form.getByRole('button', { name: 'Change email' }).click();
    await expect(form.getByRole('status')).toContainText(`We sent a link to ${newEmail}`);
    await emailWithSubject(mailbox, newEmail, 'Confirm your new email address', i);
    await page.reload();
  }
  const [first, second] = (await mailbox.waitForEmails(newEmail, 2)).map((sent) =>
    linkIn(sent, '/confirm-email-change'),
  );
  await page.goto(first!);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await page.goto(`${second!.slice(0, -2)}xx`);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to your account' })).toBeVisible();

  await database.query(
    `UPDATE tokens SET expires_at = now() - interval '1 minute'
      WHERE purpose = 'change-email' AND user_id = (SELECT id FROM users WHERE email = $1)`,
    [email],
  );
  await page.goto(second!);
  await expect(page.getByRole('heading', { name: 'This link has expired' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to your account' })).toBeVisible();
});

test('delete account: a farewell email, no more sign-in, and the address can sign up again', async ({
  page,
  email,
  mailbox,
}) => {
  await confirmedAccount(page, mailbox, email);
  await signInThroughForm(page, email, password);
  const section = page.getByRole('region', { name: 'Delete account' });
  // Signed in a moment ago: no password asked.
  await expect(section.getByText('You signed in a moment ago, so no password is needed.')).toBeVisible();
  await section.getByRole('button', { name: 'Delete account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account is deleted' })).toBeVisible();
  await emailWithSubject(mailbox, email, 'Your account was deleted');

  await signInThroughForm(page, email, password);
  await expect(page.locator('#form-message')).toHaveText('That email and password do not match an account.');
  await signUpThroughForm(page, email, password);
  await emailWithSubject(mailbox, email, 'Confirm your email address', 2);
});
