import { defineEmailKind } from '../email-kind.ts';
import { escapeHtml, formatExpiry, greeting, layout, type RenderedEmail } from '../render.ts';

type ConfirmationEmailInput = { name: string | null; confirmUrl: string; expiresAt: Date };

export function renderConfirmationEmail({ name, confirmUrl, expiresAt }: ConfirmationEmailInput): RenderedEmail {
  const expiry = formatExpiry(expiresAt);
  return {
    subject: 'Confirm your email address',
    text: [
      `${greeting(name)},`,
      '',
      'Thanks for signing up. Open this link to confirm your email address:',
      '',
      confirmUrl,
      '',
      `The link works until ${expiry}.`,
      '',
      "If you didn't sign up, ignore this email: no account is confirmed without this link.",
    ].join('\n'),
    html: layout(
      `<p>${escapeHtml(greeting(name))},</p>
<p>Thanks for signing up. Confirm your email address with the button below.</p>
<p><a href="${escapeHtml(confirmUrl)}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none">Confirm my email</a></p>
<p>Or paste this link into your browser:<br><a href="${escapeHtml(confirmUrl)}">${escapeHtml(confirmUrl)}</a></p>
<p>The link works until ${escapeHtml(expiry)}.</p>
<p style="color:#555">If you didn't sign up, ignore this email: no account is confirmed without this link.</p>`,
    ),
  };
}

/** The email a sign-up or a resend asks for: the link that confirms the address. */
export const confirmEmailKind = defineEmailKind({
  onlyWhileUnconfirmed: true,
  token: { purpose: 'confirm-email', path: '/confirm' },
  render: ({ name, link }) => {
    // The outbox issues the token of a kind sent only while unconfirmed, so there is always one here.
    if (!link) throw new Error('a confirmation email needs its link');
    return renderConfirmationEmail({ name, confirmUrl: link.url, expiresAt: link.expiresAt });
  },
});
