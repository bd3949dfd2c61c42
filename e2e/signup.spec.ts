import { confirmationLinkIn, expect, signUpThroughForm, test } from './fixtures.ts';

test.describe('sign-up journey', () => {
  test('signs up, receives the email, and confirms the address', async ({ page, email, mailbox }) => {
    await signUpThroughForm(page, email, 'correct horse battery', { name: 'Ada Lovelace' });
    await expect(page.getByText(email)).toBeVisible();
    const [message] = await mailbox.waitForEmails(email);
    expect(message?.subject).toBe('Confirm your email address');
    expect(message?.html).toContain('Hello Ada Lovelace');
    expect(message?.text).toMatch(/works until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const link = confirmationLinkIn(message!);

    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();

    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Your address is already confirmed' })).toBeVisible();
  });

  test('shows field errors next to the fields and keeps what was typed, except the password', async ({ page }) => {
    await page.goto('/signup');
    await page.getByLabel('Email').fill('not-an-address');
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Name').fill('Grace');
    await page.getByRole('button', { name: 'Sign up' }).click();

    await expect(page.locator('#email-error')).toHaveText('Enter a valid email address, like name@example.com.');
    await expect(page.locator('#password-error')).toHaveText('Use at least 8 characters.');
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Email')).toHaveValue('not-an-address');
    await expect(page.getByLabel('Name')).toHaveValue('Grace');
    await expect(page.getByLabel('Password')).toHaveValue('');
  });

  test('answers a second sign-up with the same address like a first, and tells the owner', async ({
    page,
    email,
    mailbox,
  }) => {
    for (const attempt of [1, 2]) {
      await page.goto('/signup');
      await page.getByLabel('Email').fill(email.toUpperCase());
      await page.getByLabel('Password').fill(`password number ${attempt}`);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
    }
    const emails = await mailbox.waitForEmails(email, 2);
    expect(emails.map((message) => message.subject).sort()).toEqual([
      'Confirm your email address',
      'You already have an account',
    ]);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('signs up with a plain form post', async ({ page, email, mailbox }) => {
    await signUpThroughForm(page, email, 'correct horse battery');
    await expect(page.getByText(email)).toBeVisible();
    await mailbox.waitForEmails(email);
  });

  test('shows field errors with a plain form post', async ({ page }) => {
    await page.goto('/signup');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page.locator('#password-error')).toHaveText('Use at least 8 characters.');
    await expect(page.getByLabel('Email')).toHaveValue('ada@example.com');
  });
});
