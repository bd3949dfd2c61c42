import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { APIRequestContext } from '@playwright/test';
import { e2eStack } from './e2e-stack-config.ts';
import { expect, test } from './fixtures.ts';

const root = path.resolve(import.meta.dirname, '..');
const password = 'harbour lantern 58 quill';

/** A key made as an operator makes one: `npm run api-keys -- create NAME`, which prints it once. */
async function createKey(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=react-server', 'scripts/api-keys.ts', 'create', `e2e-${randomUUID().slice(0, 8)}`],
    { cwd: root, env: { ...process.env, DATABASE_URL: e2eStack.databaseUrl } },
  );
  return stdout.trim();
}

const digestOf = (body: string) => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;

async function upload(request: APIRequestContext, key: string, body: string, headers: Record<string, string> = {}) {
  return request.post('/api/imports', {
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/csv', ...headers },
    data: Buffer.from(body),
  });
}

test('an uploaded file becomes accounts whose people set their password from the invitation and sign in', async ({
  page,
  request,
  email,
  mailbox,
}) => {
  const key = await createKey();
  const file = `email,name,department\r\n${email},Ada Lovelace,Engines\r\nnot-an-address,Nobody,None\r\n`;

  const uploaded = await upload(request, key, file, { 'Repr-Digest': digestOf(file), 'Idempotency-Key': randomUUID() });
  expect(uploaded.status()).toBe(202);
  expect(uploaded.headers()['repr-digest']).toBe(digestOf(file));
  const { id, statusUrl } = (await uploaded.json()) as { id: string; status: string; statusUrl: string };
  expect(uploaded.headers()['location']).toBe(statusUrl);

  const auth = { Authorization: `Bearer ${key}` };
  const metadata = await request.post(`${statusUrl}/metadata`, {
    headers: auth,
    data: { source: 'e2e', batch: 'one', notify: 'invite', onConflict: 'skip' },
  });
  expect(metadata.status()).toBe(202);
  await expect
    .poll(async () => ((await (await request.get(statusUrl, { headers: auth })).json()) as { status: string }).status, {
      timeout: 15_000,
      intervals: [100],
    })
    .toBe('completed_with_errors');
  const status = await (await request.get(statusUrl, { headers: auth })).json();
  expect(status).toMatchObject({ id, percent: 100, counts: { rows: 2, created: 1, failed: 1 } });

  const failed = await request.get(`${statusUrl}/rows?outcome=failed`, { headers: { ...auth, Accept: 'text/csv' } });
  expect(failed.headers()['content-type']).toContain('text/csv');
  expect((await failed.text()).split('\r\n')).toEqual([
    'line,email,name,outcome,reason',
    expect.stringMatching(/^3,not-an-address,Nobody,failed,.*valid email/),
    '',
  ]);

  const [invitation] = await mailbox.waitForEmails(email);
  const link = /https?:\/\/\S+\/invitation\?token=[A-Za-z0-9_-]+/.exec(invitation?.text ?? '')?.[0];
  expect(link).toBeDefined();
  await page.goto(link ?? '');
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await page.getByLabel('New password').fill(password);
  await page.getByRole('button', { name: 'Set my password' }).click();
  await expect(page.getByRole('heading', { name: 'Your password is set' })).toBeVisible();

  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(email)).toBeVisible();

  // The link is spent: opened again, it says so and sets nothing.
  await page.goto(link ?? '');
  await expect(page.getByRole('heading', { name: 'This invitation has been used' })).toBeVisible();
});

test('the API refuses a wrong key, a wrong type, a file that does not match its digest, and another key’s import', async ({
  request,
}) => {
  const key = await createKey();
  const other = await createKey();
  const file = 'email\nsomeone@example.com\n';
  for (const authorization of [undefined, 'Bearer imp_wrong', `Basic ${key}`]) {
    const refused = await request.post('/api/imports', {
      headers: { 'Content-Type': 'text/csv', ...(authorization ? { Authorization: authorization } : {}) },
      data: Buffer.from(file),
    });
    expect(refused.status()).toBe(401);
  }
  expect((await upload(request, key, file, { 'Content-Type': 'application/pdf' })).status()).toBe(415);
  expect((await upload(request, key, '')).status()).toBe(400);
  const mismatch = await upload(request, key, file, { 'Repr-Digest': digestOf('another file') });
  expect(mismatch.status()).toBe(400);
  expect(mismatch.headers()['repr-digest']).toBe(digestOf(file));

  const { statusUrl } = (await (await upload(request, key, file)).json()) as { statusUrl: string };
  for (const response of [
    await request.get(statusUrl, { headers: { Authorization: `Bearer ${other}` } }),
    await request.get(`${statusUrl}/rows`, { headers: { Authorization: `Bearer ${other}` } }),
    await request.post(`${statusUrl}/metadata`, { headers: { Authorization: `Bearer ${other}` }, data: {} }),
    await request.delete(statusUrl, { headers: { Authorization: `Bearer ${other}` } }),
  ]) {
    expect(response.status()).toBe(404);
  }
  const cancelled = await request.delete(statusUrl, { headers: { Authorization: `Bearer ${key}` } });
  expect([200, 409]).toContain(cancelled.status());
});
