import type { Metadata } from 'next';
import { connection } from 'next/server';
import { getServices } from '../../lib/services.server.ts';
import { ForgotPasswordForm } from './forgot-password-form.tsx';

export const metadata: Metadata = { title: 'Forgot your password?' };

export default async function ForgotPasswordPage() {
  // Rendered per request: the link's lifetime is the running server's configuration, not the build's.
  await connection();
  const { config } = await getServices();
  return (
    <>
      <h1>Forgot your password?</h1>
      <p>Enter the address of your account and we will email you a link to choose a new password.</p>
      <ForgotPasswordForm linkMinutes={Math.round(config.tokenLifetimes['reset-password'] / 60_000)} />
    </>
  );
}
