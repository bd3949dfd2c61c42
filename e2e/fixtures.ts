import { randomInt, randomUUID } from 'node:crypto';
import {
  test as base,
  expect,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import pg from 'pg';
import { e2eStack } from './e2e-stack-config.ts';
import { recordInboxArrival, recordServerActionRoundTrip } from './sign-up-timing.ts';

export type CaughtEmail = {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
  /** The .eml file the catcher wrote as the message came in. */
  source: string;
};

export type Mailbox = {
  /** Waits for the catcher to hold `count` emails to `address`, and returns them, oldest first. */
  waitForEmails(address: string, count?: number): Promise<CaughtEmail[]>;
};

type Fixtures = {
  /** An address no other test uses, so tests can run in parallel against one inbox and database. */
  email: string;
  /** The address this test's requests come from (X-Forwarded-For), so that each test has its own rate limits. */
  clientIp: string;
  mailbox: Mailbox;
  database: pg.Client;
};

export const test = base.extend<Fixtures>({
  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  email: async ({}, use) => {
    await use(`e2e-${randomUUID()}@example.com`);
  },
  clientIp: async ({}, use) => {
    await use(randomClientIp());
  },
  extraHTTPHeaders: async ({ extraHTTPHeaders, clientIp }, use) => {
    await use({ ...extraHTTPHeaders, 'x-forwarded-for': clientIp });
  },
  mailbox: async ({ playwright }, use, testInfo) => {
    const inbox = await playwright.request.newContext({ baseURL: e2eStack.inboxUrl });
    await use({
      async waitForEmails(address, count = 1) {
        const emails = await waitForEmails(inbox, address, count);
        await recordInboxArrival(testInfo, address, emails);
        return emails;
      },
    });
    await inbox.dispose();
  },
  database: async ({}, use) => {
    const client = new pg.Client({ connectionString: e2eStack.databaseUrl });
    await client.connect();
    await use(client);
    await client.end();
  },
});

/**
 * Signs up through the form, as a person does, and waits for "Check your inbox". Every such
 * sign-up is timed (e2e/sign-up-timing.ts): the run ends with the figures.
 */
export async function signUpThroughForm(
  page: Page,
  email: string,
  password: string,
  { name }: { name?: string } = {},
): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  if (name !== undefined) await page.getByLabel('Name').fill(name);
  const actionUrl = page.url();
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await recordServerActionRoundTrip(test.info(), page, actionUrl, email);
}

async function waitForEmails(inbox: APIRequestContext, address: string, count: number): Promise<CaughtEmail[]> {
  let found: CaughtEmail[] = [];
  await expect
    .poll(
      async () => {
        const response = await inbox.get('/api/email');
        const emails = (await response.json()) as CaughtEmail[];
        found = emails.filter((email) => email.to.some((to) => to.address === address));
        return found.length;
      },
      { message: `${count} email(s) to ${address}`, timeout: 15_000, intervals: [20] },
    )
    .toBeGreaterThanOrEqual(count);
  return found;
}

/** A random address from 10.0.0.0/8, as a client's address for the rate limits. */
export function randomClientIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** The confirmation link in an email's plain-text part. */
export function confirmationLinkIn(email: CaughtEmail): string {
  return linkIn(email, '/confirm');
}

/** The link to `path` (with its token) an email carries. */
export function linkIn(email: CaughtEmail, path: string): string {
  const match = new RegExp(`https?://\\S+${path}\\?token=[A-Za-z0-9_-]+`).exec(email.text);
  if (!match) throw new Error(`no ${path} link in the email "${email.subject}"`);
  return match[0];
}

/** Opens the confirmation email's link and confirms, as a person does. */
export async function confirmThroughEmail(page: Page, mailbox: Mailbox, email: string): Promise<void> {
  const [message] = await mailbox.waitForEmails(email);
  await page.goto(confirmationLinkIn(message!));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
}

export async function signInThroughForm(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A second browser of the same person (another device), with its own client address. */
export async function anotherDevice(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: e2eStack.appUrl,
    extraHTTPHeaders: { 'x-forwarded-for': randomClientIp() },
  });
  return { context, page: await context.newPage() };
}

export { expect };
