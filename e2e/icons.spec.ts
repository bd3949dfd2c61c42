import { expect, test } from './fixtures.ts';

test('pages link the icon and the favicon, and /favicon.ico, where browsers look unasked, answers', async ({
  page,
  request,
}) => {
  await page.goto('/signup');
  const linked = await page
    .locator('link[rel="icon"]')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  expect(linked.map((href) => href.split('?')[0])).toEqual(['/favicon.ico', '/icon.svg']);

  for (const [href, type] of [
    [linked[0], 'image/x-icon'],
    [linked[1], 'image/svg+xml'],
    ['/favicon.ico', 'image/x-icon'],
  ]) {
    const response = await request.get(href!);
    expect(response.status(), href).toBe(200);
    expect(response.headers()['content-type'], href).toBe(type);
  }
});
