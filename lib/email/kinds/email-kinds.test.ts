import { describe, expect, it } from 'vitest';
import { renderAlreadyRegisteredEmail } from './already-registered.ts';
import { renderConfirmationEmail } from './confirm-email.ts';
import { emailKinds } from '../email-kinds.ts';
import { renderInvitationEmail } from './invitation.ts';

const confirmUrl = 'https://app.example/confirm?token=abc_DEF-123';
const expiresAt = new Date('2026-01-02T03:04:05Z');

describe('renderConfirmationEmail', () => {
  it('has a subject, and the link and expiry in both parts', () => {
    const email = renderConfirmationEmail({ name: 'Ada', confirmUrl, expiresAt });
    expect(email.subject).toBe('Confirm your email address');
    for (const part of [email.text, email.html]) {
      expect(part).toContain(confirmUrl);
      expect(part).toContain('2026-01-02 03:04 UTC');
      expect(part).toContain('Hello Ada');
    }
    expect(email.html).toContain(`href="${confirmUrl}"`);
  });

  it('greets without a name', () => {
    expect(renderConfirmationEmail({ name: null, confirmUrl, expiresAt }).text).toMatch(/^Hello,/);
  });

  it('escapes markup from the name in the HTML part', () => {
    const email = renderConfirmationEmail({ name: '<script>alert("x")</script>', confirmUrl, expiresAt });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});

describe('renderAlreadyRegisteredEmail', () => {
  it('offers a confirmation link to an unconfirmed account', () => {
    const email = renderAlreadyRegisteredEmail({ name: null, confirmUrl, appUrl: 'https://app.example' });
    expect(email.subject).toBe('You already have an account');
    expect(email.text).toContain(confirmUrl);
    expect(email.html).toContain(`href="${confirmUrl}"`);
  });

  it('points a confirmed account at the app', () => {
    const email = renderAlreadyRegisteredEmail({ name: 'Ada', confirmUrl: null, appUrl: 'https://app.example' });
    expect(email.text).toContain('https://app.example');
    expect(email.text).not.toContain('confirm?token');
  });
});

describe('every kind in the registry', () => {
  const appUrl = 'https://app.example';
  for (const [kind, definition] of Object.entries(emailKinds)) {
    it(`${kind}: a subject, its link in both parts, markup from the name escaped`, () => {
      const link = definition.token
        ? { url: `${appUrl}${definition.token.path}?token=abc_DEF-123`, expiresAt }
        : undefined;
      const email = definition.render({ name: '<b>Ada</b>', appUrl, ...(link ? { link } : {}) });
      expect(email.subject.length).toBeGreaterThan(0);
      expect(email.html).not.toContain('<b>Ada</b>');
      if (link) {
        expect(email.text).toContain(link.url);
        expect(email.html).toContain(`href="${link.url}"`);
      }
      expect(email.text).toContain(appUrl);
    });
  }
});

describe('renderInvitationEmail', () => {
  it('carries the link that sets the password, and its expiry, in both parts', () => {
    const acceptUrl = 'https://app.example/invitation?token=abc_DEF-123';
    const email = renderInvitationEmail({ name: 'Ada', acceptUrl, expiresAt });
    for (const part of [email.text, email.html]) {
      expect(part).toContain(acceptUrl);
      expect(part).toContain('2026-01-02 03:04 UTC');
    }
    expect(email.html).toContain(`href="${acceptUrl}"`);
  });
});
