import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { ResendForm } from '../../resend/resend-form.tsx';
import { signupEmailCookie } from '../signup-email-cookie.ts';

export const metadata: Metadata = { title: 'Check your inbox' };

export default async function CheckInboxPage() {
  const email = (await cookies()).get(signupEmailCookie.name)?.value;

  return (
    <>
      <h1>Check your inbox</h1>
      <p>
        We are sending a confirmation link to {email ? <strong>{email}</strong> : 'your email address'}. Open it to
        confirm your address.
      </p>
      <p className="muted">
        The link works for 24 hours. Nothing there after a few minutes? Look in your spam folder, or{' '}
        <Link href="/resend">send a new link</Link>.
      </p>
      <ResendForm toSignupAddress />
    </>
  );
}
