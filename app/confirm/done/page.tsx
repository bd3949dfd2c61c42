import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Email confirmed' };

export default function ConfirmedPage() {
  return (
    <>
      <h1>Your email is confirmed</h1>
      <p>Thank you. Your account is ready.</p>
      <p>
        <Link href="/sign-in">Sign in</Link>
      </p>
    </>
  );
}
