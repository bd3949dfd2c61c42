import { expect, signUpThroughForm, test } from './fixtures.ts';

test('the "check your inbox" page follows its email until it is sent, without a reload', async ({
  page,
  email,
  mailbox,
}) => {
  await signUpThroughForm(page, email, 'correct horse battery');
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));

  await mailbox.waitForEmails(email);
  await expect(page.getByRole('status')).toHaveText('Sent. Open the link in the email to confirm your address.');
  expect(loads).toEqual([]);
  // The page is tied to the browser by an opaque cookie, never by the address in the URL.
  expect(page.url()).not.toContain(encodeURIComponent(email));
  const cookie = (await page.context().cookies()).find((candidate) => candidate.name === 'signup-delivery');
  expect(cookie).toMatchObject({ httpOnly: true });
  expect(cookie?.value).not.toContain(email);
});

test('a request retried with the same Idempotency-Key signs up once', async ({ request, email, mailbox, database }) => {
  const send = () =>
    request.post('/api/users', {
      headers: { 'Idempotency-Key': `retry-${email}` },
      data: { email, password: 'correct horse battery' },
    });
  const [first, second] = [await send(), await send()];
  expect([first.status(), second.status()]).toEqual([201, 201]);

  await mailbox.waitForEmails(email);
  const { rows } = await database.query(
    'SELECT count(*)::int AS emails FROM email_deliveries d JOIN users u ON u.id = d.user_id WHERE u.email = $1',
    [email],
  );
  expect(rows).toEqual([{ emails: 1 }]);
});

test('the health endpoint reports the database and every job queue', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({
    status: 'ok',
    database: { reachable: true },
    queues: {
      'email-send': {
        waiting: expect.any(Number),
        active: expect.any(Number),
        deadLettered: expect.any(Number),
        oldestWaitingSeconds: expect.any(Number),
      },
      'address-request': { waiting: expect.any(Number), oldestWaitingSeconds: expect.any(Number) },
      'housekeeping-cleanup': { waiting: expect.any(Number), oldestWaitingSeconds: expect.any(Number) },
    },
  });
});
