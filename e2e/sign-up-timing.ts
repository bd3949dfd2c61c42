import { stat } from 'node:fs/promises';
import type { Page, TestInfo } from '@playwright/test';
import { z } from 'zod';

/** The name under which each measurement is attached to its test; e2e/timing-reporter.ts sums them up. */
export const signUpTimingAttachment = 'sign-up-timing';

export const signUpTimingSchema = z.object({
  measure: z.enum(['server-action-round-trip', 'sign-up-to-inbox']),
  ms: z.number(),
});
export type SignUpTiming = z.infer<typeof signUpTimingSchema>;

// When each sign-up's request went out (epoch ms, this machine's clock), by address, per test (the
// key), so that a sign-up is only ever matched with an email its own test waited for.
const awaitingTheirEmail = new WeakMap<TestInfo, Map<string, number>>();

/**
 * Reads the round trip of the server action a form just sent from `actionUrl` (server actions POST
 * to the page's URL with fetch), attaches it, and keeps when it was sent for `recordInboxArrival`.
 * Nothing is measured when the form was a plain post (no JavaScript): that is a page load, with
 * its redirect, not the same figure.
 */
export async function recordServerActionRoundTrip(
  testInfo: TestInfo,
  page: Page,
  actionUrl: string,
  address: string,
): Promise<void> {
  // The entry is added when the response's last byte is in, which can come after the page shows
  // the answer; a plain post leaves the document of the page it was redirected to instead.
  const handle = await page.waitForFunction((url) => {
    const [document] = performance.getEntriesByType('navigation');
    if (document?.name !== url) return { sentBy: 'form post' } as const;
    const action = performance
      .getEntriesByType('resource')
      .findLast(
        (entry) => entry instanceof PerformanceResourceTiming && entry.initiatorType === 'fetch' && entry.name === url,
      );
    if (!(action instanceof PerformanceResourceTiming)) return undefined;
    const { requestStart, responseEnd } = action;
    return { sentBy: 'fetch', timeOrigin: performance.timeOrigin, requestStart, responseEnd } as const;
  }, actionUrl);
  const seen = await handle.jsonValue();
  await handle.dispose();
  if (seen?.sentBy !== 'fetch') return;

  // From the request's first byte to the response's last: the exchange with the server, without the
  // browser's own queueing or any connection set-up before it (startTime would include both), and
  // the same span Playwright's request.timing() gave this suite before.
  await attach(testInfo, { measure: 'server-action-round-trip', ms: seen.responseEnd - seen.requestStart });
  const sent = awaitingTheirEmail.get(testInfo) ?? new Map<string, number>();
  sent.set(address, seen.timeOrigin + seen.requestStart);
  awaitingTheirEmail.set(testInfo, sent);
}

/**
 * Attaches how long after a sign-up to `address` was sent the email it caused reached the mail
 * catcher, if `emails` (what the test waited for) holds it: the first to arrive after that. Timed
 * from the request, as the round trip is, rather than from the answer: the worker sends on the
 * sign-up's commit, while the server is still rendering the page the answer redirects to, so the
 * email is often in before the answer's first byte.
 */
export async function recordInboxArrival(
  testInfo: TestInfo,
  address: string,
  emails: readonly { source: string }[],
): Promise<void> {
  const sentAt = awaitingTheirEmail.get(testInfo)?.get(address);
  if (sentAt === undefined) return;
  for (const email of emails) {
    // maildev's own `time` is the message's Date header (whole seconds, set by the sender); the
    // .eml file it writes while receiving the message says when it came in, to the millisecond.
    const receivedAt = (await stat(email.source)).mtimeMs;
    if (receivedAt < sentAt) continue;
    await attach(testInfo, { measure: 'sign-up-to-inbox', ms: receivedAt - sentAt });
    awaitingTheirEmail.get(testInfo)?.delete(address);
    return;
  }
}

async function attach(testInfo: TestInfo, timing: SignUpTiming): Promise<void> {
  await testInfo.attach(signUpTimingAttachment, { body: JSON.stringify(timing), contentType: 'application/json' });
}
