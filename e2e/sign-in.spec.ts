import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import {
  anotherDevice,
  confirmThroughEmail,
  expect,
  signInThroughForm as signIn,
  signUpThroughForm,
  test,
} from './fixtures.ts';

const password = 'kangaroo sunset 42';

const signInThroughForm = (page: Page, email: string, typed = password) => signIn(page, email, typed);

test('signs up, confirms, signs in from the confirmation page, sees the account, and signs out', async ({
  page,
  email,
  mailbox,
}) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);

  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await expect(page.getByText('(this device)')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
});

test('a wrong password and an unknown address get the same message', async ({ page, email, mailbox }) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
  const message = page.locator('#form-message');

  await signInThroughForm(page, email, 'not the password at all');
  await expect(message).toHaveText('That email and password do not match an account.');
  await signInThroughForm(page, `nobody-${email}`);
  await expect(message).toHaveText('That email and password do not match an account.');
});

test('an unconfirmed account learns so after its right password, and can ask for the link again', async ({
  page,
  email,
  mailbox,
}) => {
  await signUpThroughForm(page, email, password);
  await mailbox.waitForEmails(email);
  await signInThroughForm(page, email);
  await expect(page.locator('#form-message')).toContainText('Your address is not confirmed yet.');
  await page.getByRole('button', { name: 'Send a new link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'a new link is on its way' })).toBeVisible();
  const emails = await mailbox.waitForEmails(email, 2);
  expect(emails.map((sent) => sent.subject)).toEqual(['Confirm your email address', 'Confirm your email address']);
});

test('after sign-in the person comes back to the page that asked for it', async ({ page, email, mailbox }) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test('sessions are listed per device and signed out from another one, which then opens nothing', async ({
  page,
  browser,
  email,
  mailbox,
}) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
  await signInThroughForm(page, email);
  const phone = await anotherDevice(browser);
  const laptop = await anotherDevice(browser);
  for (const device of [phone, laptop]) {
    await signInThroughForm(device.page, email);
    await expect(device.page).toHaveURL(/\/account$/);
  }

  await page.reload();
  await expect(page.locator('.sessions li')).toHaveCount(3);
  // The phone's cookie was stolen: sign that one session out, here.
  await page
    .getByRole('button', { name: /^Sign out .*, signed in / })
    .first()
    .click();
  await expect(page.locator('.sessions li')).toHaveCount(2);
  const signedOut = [];
  for (const device of [phone, laptop]) {
    await device.page.goto('/account');
    signedOut.push(/\/sign-in/.test(device.page.url()));
  }
  expect(signedOut.filter(Boolean)).toHaveLength(1);

  await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(page.locator('.sessions li')).toHaveCount(1);
  for (const device of [phone, laptop]) {
    await device.page.goto('/account');
    await expect(device.page).toHaveURL(/\/sign-in/);
    await device.context.close();
  }
});

test('a tampered session cookie opens nothing', async ({ page, context, email, mailbox }) => {
  await signUpThroughForm(page, email, password);
  await confirmThroughEmail(page, mailbox, email);
  await signInThroughForm(page, email);
  await expect(page).toHaveURL(/\/account$/);
  const [cookie] = (await context.cookies()).filter((candidate) => candidate.name === 'session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  const flipped = `${cookie!.value.slice(0, -1)}${cookie!.value.endsWith('A') ? 'B' : 'A'}`;
  for (const value of [flipped, 'not-a-token', randomBytes(32).toString('base64url')]) {
    await context.addCookies([{ ...cookie!, value }]);
    await page.goto('/account');
    await expect(page).toHaveURL(/\/sign-in/);
  }
});
