'use client';

import { useActionState } from 'react';
import { EmailField } from '../email-field.tsx';
import { forgotPassword, type ForgotPasswordState } from './actions.ts';

const initialState: ForgotPasswordState = {};

export function ForgotPasswordForm({ linkMinutes }: { linkMinutes: number }) {
  const [state, formAction, pending] = useActionState(forgotPassword, initialState);

  if (state.sentTo) {
    return (
      <p role="status">
        If {state.sentTo} has an account, a link to reset its password is on its way. Check your inbox: the link works
        for {linkMinutes} minutes, and only the newest one does.
      </p>
    );
  }
  return (
    <form action={formAction} noValidate aria-describedby="form-message">
      <EmailField defaultValue={state.values?.email} errors={state.errors?.email} />
      <p id="form-message" className="error" aria-live="polite">
        {state.message}
      </p>
      <button type="submit" disabled={pending}>
        {pending ? 'Sending…' : 'Send reset link'}
      </button>
    </form>
  );
}
