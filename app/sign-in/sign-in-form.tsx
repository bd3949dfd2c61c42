'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { EmailField } from '../email-field.tsx';
import { FieldError } from '../field-error.tsx';
import { ResendForm } from '../resend/resend-form.tsx';
import { signIn, type SignInState } from './actions.ts';

const initialState: SignInState = {};

export function SignInForm({ email, next }: { email?: string; next: string }) {
  const [state, formAction, pending] = useActionState(signIn, initialState);
  const errors = state.errors ?? {};

  return (
    <>
      <form action={formAction} noValidate aria-describedby="form-message">
        <input type="hidden" name="next" value={next} />
        <EmailField defaultValue={state.values?.email ?? email} errors={errors.email} />
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={errors.password ? true : undefined}
            aria-describedby="password-error"
          />
          <FieldError id="password-error" messages={errors.password} />
        </div>
        <p id="form-message" className="error" aria-live="polite">
          {state.message}
        </p>
        <button type="submit" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {state.unconfirmedEmail && <ResendForm email={state.unconfirmedEmail} />}
      <p>
        <Link href="/forgot-password">Forgot your password?</Link> · <Link href="/signup">Create an account</Link>
      </p>
    </>
  );
}
