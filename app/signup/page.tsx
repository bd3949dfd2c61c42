import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import { connection } from 'next/server';
import { SignupForm } from './signup-form.tsx';

export const metadata: Metadata = { title: 'Create your account' };

export default async function SignupPage() {
  // Rendered per request, so each form gets a key of its own (see lib/signup/request-key.ts).
  await connection();
  return (
    <>
      <h1>Create your account</h1>
      <SignupForm requestKey={randomUUID()} />
    </>
  );
}
