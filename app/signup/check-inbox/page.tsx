import type { Metadata } from 'next';
import Link from 'next/link';
import { ResendForm } from '../../resend/resend-form.tsx';
import { DeliveryStatusMessage } from './delivery-status-message.tsx';
import { readSignupDelivery } from './delivery-status.server.ts';

export const metadata: Metadata = { title: 'Check your inbox' };

export default async function CheckInboxPage() {
  const { status, email } = await readSignupDelivery();

  return (
    <>
      <h1>Check your inbox</h1>
      <p>
        We are sending a confirmation link to {email ? <strong>{email}</strong> : 'your email address'}. Open it to
        confirm your address.
      </p>
      <DeliveryStatusMessage initial={status} />
      <p className="muted">
        The link works for 24 hours. Nothing there after a few minutes? Look in your spam folder, or{' '}
        {/* Without the address (its cookie gone), a new link is asked for on the page that takes one. */}
        {email ? (
          'ask for a new link.'
        ) : (
          <>
            <Link href="/resend">send a new link</Link>.
          </>
        )}
      </p>
      {email && <ResendForm toSignupAddress />}
    </>
  );
}
