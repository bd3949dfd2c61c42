'use client';

import { useActionState } from 'react';
import { passwordMinLength } from '../../lib/accounts/password-rules.ts';
import { FieldError } from '../field-error.tsx';
import { accept, type InvitationState } from './actions.ts';
import { LinkProblem } from '../link-problem.tsx';
import { invitationLinkMessages, invitationNextStep } from './link-messages.ts';

const initialState: InvitationState = {};

export function InvitationForm({ token, email }: { token: string; email: string }) {
  const [state, formAction, pending] = useActionState(accept, initialState);
  const errors = state.errors ?? {};

  if (state.status) {
    return <LinkProblem status={state.status} messages={invitationLinkMessages} next={invitationNextStep} />;
  }

  return (
    <>
      <h1>Choose your password</h1>
      <p>An account was made for {email}. Choose its password to sign in.</p>
      <form action={formAction} noValidate aria-describedby="form-message">
        <input type="hidden" name="token" value={token} />
        <div className="field">
          <label htmlFor="password">
            New password <span className="hint">(at least {passwordMinLength} characters)</span>
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
        <p id="form-message" className="error" aria-live="polite">
          {state.message}
        </p>
        <button type="submit" disabled={pending}>
          {pending ? 'Setting your password…' : 'Set my password'}
        </button>
      </form>
    </>
  );
}
