import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Password changed' };

export default function PasswordResetDonePage() {
  return (
    <>
      <h1>Your password is changed</h1>
      <p>Every device that was signed in to your account is signed out. Sign in with your new password.</p>
      <p>
        <Link href="/sign-in">Sign in</Link>
      </p>
    </>
  );
}
