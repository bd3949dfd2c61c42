'use client';

import { useActionState } from 'react';
import { FieldError } from '../field-error.tsx';
import { resendConfirmation, type ResendState } from './actions.ts';

const initialState: ResendState = {};

export function ResendForm() {
  const [state, formAction, pending] = useActionState(resendConfirmation, initialState);

  if (state.sent) {
    return (
      <p role="status">
        If <strong>{state.values?.email}</strong> has an account that is not confirmed yet, a new link is on its way.
        Check your inbox.
      </p>
    );
  }

  return (
    <form action={formAction} noValidate>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={state.values?.email}
          aria-invalid={state.errors?.email ? true : undefined}
          aria-describedby="email-error"
        />
        <FieldError id="email-error" messages={state.errors?.email} />
      </div>
      <p className="error" aria-live="polite">
        {state.message}
      </p>
      <button type="submit" disabled={pending}>
        {pending ? 'Sending…' : 'Send a new link'}
      </button>
    </form>
  );
}
