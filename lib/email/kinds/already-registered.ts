import { defineEmailKind } from '../email-kind.ts';
import { escapeHtml, greeting, layout, type RenderedEmail } from '../render.ts';

type AlreadyRegisteredEmailInput = { name: string | null; confirmUrl: string | null; appUrl: string };

/** Sent instead of a second account when someone signs up with an address that already has one. */
export function renderAlreadyRegisteredEmail({ name, confirmUrl, appUrl }: AlreadyRegisteredEmailInput): RenderedEmail {
  const { lead, url } = confirmUrl
    ? { lead: 'Your address is not confirmed yet. Open this link to confirm it:', url: confirmUrl }
    : { lead: 'Your account is ready to use:', url: appUrl };
  return {
    subject: 'You already have an account',
    text: [
      `${greeting(name)},`,
      '',
      'Someone, hopefully you, tried to sign up again with this email address, which already has an account.',
      '',
      lead,
      '',
      url,
      '',
      "If it wasn't you, ignore this email: nothing has changed.",
    ].join('\n'),
    html: layout(
      `<p>${escapeHtml(greeting(name))},</p>
<p>Someone, hopefully you, tried to sign up again with this email address, which already has an account.</p>
<p>${escapeHtml(lead)}<br><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>
<p style="color:#555">If it wasn't you, ignore this email: nothing has changed.</p>`,
    ),
  };
}

/**
 * A sign-up with an address that has an account: its owner hears of it, with a confirmation link
 * if the address is not confirmed yet.
 */
export const alreadyRegisteredKind = defineEmailKind({
  token: { purpose: 'confirm-email', path: '/confirm', onlyWhileUnconfirmed: true },
  withheldReadsAsSent: true,
  render: ({ name, link, appUrl }) => renderAlreadyRegisteredEmail({ name, confirmUrl: link?.url ?? null, appUrl }),
});
