import type { Metadata } from 'next';
import { ResendForm } from './resend-form.tsx';

export const metadata: Metadata = { title: 'Send a new confirmation link' };

export default function ResendPage() {
  return (
    <>
      <h1>Send a new confirmation link</h1>
      <p>Enter the address you signed up with and we will email you a new link.</p>
      <ResendForm />
    </>
  );
}
