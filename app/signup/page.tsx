import type { Metadata } from 'next';
import { SignupForm } from './signup-form.tsx';

export const metadata: Metadata = { title: 'Create your account' };

export default function SignupPage() {
  return (
    <>
      <h1>Create your account</h1>
      <SignupForm />
    </>
  );
}
