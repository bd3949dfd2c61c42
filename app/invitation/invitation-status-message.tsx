import Link from 'next/link';
import type { InvitationStatus } from '../../lib/accounts/accept-invitation.server.ts';

const messages: Record<Exclude<InvitationStatus, 'valid'>, { title: string; body: string }> = {
  used: {
    title: 'This invitation has been used',
    body: 'Your account has its password already. Sign in with it, or ask for a new one if you have forgotten it.',
  },
  expired: {
    title: 'This invitation has expired',
    body: 'Invitation links work for 7 days. Your account is there: choose a password through “Forgot your password?”.',
  },
  invalid: {
    title: 'This link is not valid',
    body: 'It may have been copied incompletely. Open the link from the email again.',
  },
};

/** What an invitation link that cannot be used says instead, and where to go from there. */
export function InvitationStatusMessage({ status }: { status: Exclude<InvitationStatus, 'valid'> }) {
  const { title, body } = messages[status];
  return (
    <section aria-live="polite" data-status={status}>
      <h1>{title}</h1>
      <p>{body}</p>
      <p>
        <Link href="/sign-in">Sign in</Link> · <Link href="/forgot-password">Forgot your password?</Link>
      </p>
    </section>
  );
}
