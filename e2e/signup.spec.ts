import { confirmationLinkIn, expect, signUpThroughForm, test } from './fixtures.ts';

test.describe('sign-up journey', () => {
  test('signs up, receives the email, and confirms the address', async ({ page, email, mailbox }, testInfo) => {
    await page.goto('/signup');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Name').fill('Ada Lovelace');

    // The server action's round trip: the POST the form makes, from request to response.
    const actionResponse = page.waitForResponse(
      (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/signup',
    );
    const submittedAt = Date.now();
    await page.getByRole('button', { name: 'Sign up' }).click();
    const response = await actionResponse;
    const respondedAt = Date.now();
    // Watched from the moment of the answer, so the time to the inbox is not inflated by the checks below.
    const arrival = mailbox.waitForEmails(email).then((emails) => ({ emails, at: Date.now() }));
    await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
    const pageShownMs = Date.now() - submittedAt;
    await expect(page.getByText(email)).toBeVisible();
    const { emails, at: arrivedAt } = await arrival;

    const timing = response.request().timing();
    const figures = {
      serverActionRoundTripMs: Math.round(timing.responseEnd - timing.requestStart),
      submitToCheckInboxMs: pageShownMs,
      responseToInboxMs: arrivedAt - respondedAt,
    };
    await testInfo.attach('sign-up-timings', { body: JSON.stringify(figures), contentType: 'application/json' });
    console.log(
      `sign-up: server action ${figures.serverActionRoundTripMs} ms, submit to "check your inbox" ${pageShownMs} ms, ` +
        `response to email in the catcher ${figures.responseToInboxMs} ms (polled every 20 ms)`,
    );

    const [message] = emails;
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
