import { defineEmailKind } from '../email-kind.ts';
import { escapeHtml, formatExpiry, greeting, layout, type RenderedEmail } from '../render.ts';

type InvitationEmailInput = { name: string | null; acceptUrl: string; expiresAt: Date };

export function renderInvitationEmail({ name, acceptUrl, expiresAt }: InvitationEmailInput): RenderedEmail {
  const expiry = formatExpiry(expiresAt);
  return {
    subject: 'You have been invited: choose your password',
    text: [
      `${greeting(name)},`,
      '',
      'An account has been created for you with this email address. Open this link to choose your password:',
      '',
      acceptUrl,
      '',
      `The link works until ${expiry}.`,
      '',
      'If you did not expect this, ignore this email: nobody can sign in to the account without this link.',
    ].join('\n'),
    html: layout(
      `<p>${escapeHtml(greeting(name))},</p>
<p>An account has been created for you with this email address. Choose your password with the button below.</p>
<p><a href="${escapeHtml(acceptUrl)}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none">Choose my password</a></p>
<p>Or paste this link into your browser:<br><a href="${escapeHtml(acceptUrl)}">${escapeHtml(acceptUrl)}</a></p>
<p>The link works until ${escapeHtml(expiry)}.</p>
<p style="color:#555">If you did not expect this, ignore this email: nobody can sign in to the account without this link.</p>`,
    ),
  };
}

/**
 * The invitation a bulk import sends to each user it created: a link that sets the first password
 * and confirms the address. Not sent once the address is confirmed (the person got in another way).
 */
export const invitationKind = defineEmailKind({
  onlyWhileUnconfirmed: true,
  token: { purpose: 'invite', path: '/invitation' },
  render: ({ name, link }) => {
    // The outbox issues the token of a kind sent only while unconfirmed, so there is always one here.
    if (!link) throw new Error('an invitation needs its link');
    return renderInvitationEmail({ name, acceptUrl: link.url, expiresAt: link.expiresAt });
  },
});
