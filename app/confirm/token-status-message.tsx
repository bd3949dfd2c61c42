import Link from 'next/link';
import type { TokenStatus } from '../../lib/accounts/confirm-email.server.ts';

const messages: Record<Exclude<TokenStatus, 'valid'>, { title: string; body: string; resend: boolean }> = {
  'already-confirmed': {
    title: 'Your address is already confirmed',
    body: 'There is nothing more to do: your account is ready.',
    resend: false,
  },
  expired: {
    title: 'This link has expired',
    body: 'Confirmation links work for 24 hours. Ask for a new one and use it within a day.',
    resend: true,
  },
  invalid: {
    title: 'This link is not valid',
    body: 'It may have been copied incompletely. Open the link from the email again, or ask for a new one.',
    resend: true,
  },
};

/** What a confirmation link that cannot be used says instead, and how to get a working one. */
export function TokenStatusMessage({ status }: { status: Exclude<TokenStatus, 'valid'> }) {
  const { title, body, resend } = messages[status];
  return (
    <section aria-live="polite" data-status={status}>
      <h1>{title}</h1>
      <p>{body}</p>
      {resend && (
        <p>
          <Link href="/resend">Send me a new confirmation link</Link>
        </p>
      )}
    </section>
  );
}
