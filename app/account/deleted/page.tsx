import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Account deleted' };

export default function AccountDeletedPage() {
  return (
    <>
      <h1>Your account is deleted</h1>
      <p>Everything it held is gone, and you are signed out. A last email confirms it.</p>
      <p>
        <Link href="/signup">Create a new account</Link>
      </p>
    </>
  );
}
