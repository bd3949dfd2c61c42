export type RenderedEmail = { subject: string; text: string; html: string };

type ConfirmationEmailInput = { name: string | null; confirmUrl: string; expiresAt: Date };
type AlreadyRegisteredEmailInput = { name: string | null; confirmUrl: string | null; appUrl: string };

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

function greeting(name: string | null): string {
  return name ? `Hello ${name}` : 'Hello';
}

function formatExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function layout(body: string): string {
  return `<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:560px">
${body}
</body></html>`;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
}
