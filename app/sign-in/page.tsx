import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { confirmedEmailCookie } from '../confirm/confirmed-email-cookie.ts';
import { currentSession, safeReturnPath } from '../session.server.ts';
import { SignInForm } from './sign-in-form.tsx';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeReturnPath((await searchParams).next);
  if (await currentSession()) redirect(next);
  // Just confirmed in this browser: the address is filled in.
  const email = (await cookies()).get(confirmedEmailCookie.name)?.value;
  return (
    <>
      <h1>Sign in</h1>
      <SignInForm email={email} next={next} />
    </>
  );
}
