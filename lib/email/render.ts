export type RenderedEmail = { subject: string; text: string; html: string };

export function greeting(name: string | null): string {
  return name ? `Hello ${name}` : 'Hello';
}

export function formatExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function layout(body: string): string {
  return `<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:560px">
${body}
</body></html>`;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
}

export type EmailParts = {
  subject: string;
  name: string | null;
  /** What the email says, a paragraph each. */
  paragraphs: string[];
  /** The one thing to do, as a button in the HTML part and a bare URL in the text part. */
  action?: { label: string; url: string; expiresAt?: Date };
  /** The closing line, set apart: usually what to do if the email was not expected. */
  footer?: string;
};

/**
 * An email's text and HTML parts from the same words, for the kinds whose message is a few
 * paragraphs and at most one link: each says what it says once.
 */
export function composeEmail({ subject, name, paragraphs, action, footer }: EmailParts): RenderedEmail {
  const expiry = action?.expiresAt ? `The link works until ${formatExpiry(action.expiresAt)}.` : undefined;
  const text = [`${greeting(name)},`, ...paragraphs];
  if (action) text.push(action.url, ...(expiry ? [expiry] : []));
  if (footer) text.push(footer);
  const html = [`<p>${escapeHtml(greeting(name))},</p>`, ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)];
  if (action) {
    const href = escapeHtml(action.url);
    html.push(
      `<p><a href="${href}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>`,
      `<p>Or paste this link into your browser:<br><a href="${href}">${href}</a></p>`,
      ...(expiry ? [`<p>${escapeHtml(expiry)}</p>`] : []),
    );
  }
  if (footer) html.push(`<p style="color:#555">${escapeHtml(footer)}</p>`);
  return { subject, text: text.join('\n\n'), html: layout(html.join('\n')) };
}
