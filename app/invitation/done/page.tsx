import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Password set' };

export default function InvitationDonePage() {
  return (
    <>
      <h1>Your password is set</h1>
      <p>Your address is confirmed and your account is ready.</p>
      <p>
        <Link href="/sign-in">Sign in</Link>
      </p>
    </>
  );
}
