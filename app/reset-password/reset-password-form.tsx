'use client';

import { useActionState } from 'react';
import { FieldError } from '../field-error.tsx';
import { LinkProblem } from '../link-problem.tsx';
import { resetPassword, type ResetPasswordState } from './actions.ts';
import { resetLinkMessages, resetNextStep } from './link-messages.ts';

const initialState: ResetPasswordState = {};

export function ResetPasswordForm({ passwordMinLength }: { passwordMinLength: number }) {
  const [state, formAction, pending] = useActionState(resetPassword, initialState);
  if (state.status) return <LinkProblem status={state.status} messages={resetLinkMessages} next={resetNextStep} />;
  const errors = state.errors?.password;

  return (
    <>
      <h1>Choose a new password</h1>
      <form action={formAction} noValidate aria-describedby="form-message">
        <div className="field">
          <label htmlFor="password">New password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={passwordMinLength}
            aria-invalid={errors ? true : undefined}
            aria-describedby="password-hint password-error"
          />
          <p id="password-hint" className="hint">
            At least {passwordMinLength} characters. Every device signed in to your account will be signed out.
          </p>
          <FieldError id="password-error" messages={errors} />
        </div>
        <p id="form-message" className="error" aria-live="polite">
          {state.message}
        </p>
        <button type="submit" disabled={pending}>
          {pending ? 'Setting…' : 'Set new password'}
        </button>
      </form>
    </>
  );
}
