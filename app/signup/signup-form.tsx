'use client';

import { useActionState } from 'react';
import { passwordMinLength } from '../../lib/accounts/password-rules.ts';
import { signUp, type SignupState } from './actions.ts';
import { EmailField } from '../email-field.tsx';
import { FieldError } from '../field-error.tsx';

const initialState: SignupState = {};

export function SignupForm({ requestKey }: { requestKey: string }) {
  const [state, formAction, pending] = useActionState(signUp, initialState);
  const errors = state.errors ?? {};

  return (
    <form action={formAction} noValidate aria-describedby="form-message">
      {/* Sent with every submission of this form, so a double submit signs up once. */}
      <input type="hidden" name="requestKey" value={requestKey} />
      <EmailField defaultValue={state.values?.email} errors={errors.email} />

      <div className="field">
        <label htmlFor="password">
          Password <span className="hint">(at least {passwordMinLength} characters)</span>
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={passwordMinLength}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby="password-error"
        />
        <FieldError id="password-error" messages={errors.password} />
      </div>

      <div className="field">
        <label htmlFor="name">
          Name <span className="hint">(optional)</span>
        </label>
        <input
          id="name"
          name="name"
          type="text"
          autoComplete="name"
          defaultValue={state.values?.name}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby="name-error"
        />
        <FieldError id="name-error" messages={errors.name} />
      </div>

      <p id="form-message" className="error" aria-live="polite">
        {state.message}
      </p>

      <button type="submit" disabled={pending}>
        {pending ? 'Creating your account…' : 'Sign up'}
      </button>
    </form>
  );
}
