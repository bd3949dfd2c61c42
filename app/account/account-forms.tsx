'use client';

import { useActionState, type ReactNode } from 'react';
import { EmailField } from '../email-field.tsx';
import { FieldError } from '../field-error.tsx';
import { changeEmail, changePassword, deleteAccount, type AccountFormState } from './actions.ts';

const initialState: AccountFormState = {};

function PasswordField({
  id,
  name,
  label,
  autoComplete,
  errors,
  hint,
}: {
  /** Unique on the page, which has several forms. */
  id: string;
  name: string;
  label: string;
  autoComplete: 'current-password' | 'new-password';
  errors: string[] | undefined;
  hint?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="password"
        autoComplete={autoComplete}
        required
        aria-invalid={errors ? true : undefined}
        aria-describedby={`${id}-error${hint ? ` ${id}-hint` : ''}`}
      />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-error`} messages={errors} />
    </div>
  );
}

/** One of the account page's forms: its fields, its message, and what it did once done. */
function AccountForm({
  id,
  action,
  submit,
  pendingLabel,
  children,
}: {
  id: string;
  action: (previous: AccountFormState, formData: FormData) => Promise<AccountFormState>;
  submit: string;
  pendingLabel: string;
  children: (state: AccountFormState) => ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, initialState);
  return (
    <form action={formAction} noValidate aria-describedby={`${id}-message`}>
      {children(state)}
      {state.done && <p role="status">{state.done}</p>}
      <p id={`${id}-message`} className="error" aria-live="polite">
        {state.message}
      </p>
      <button type="submit" disabled={pending}>
        {pending ? pendingLabel : submit}
      </button>
    </form>
  );
}

export function ChangePasswordForm({ passwordMinLength }: { passwordMinLength: number }) {
  return (
    <AccountForm id="change-password" action={changePassword} submit="Change password" pendingLabel="Changing…">
      {(state) => (
        <>
          <PasswordField
            id="password-current"
            name="currentPassword"
            label="Current password"
            autoComplete="current-password"
            errors={state.errors?.currentPassword}
          />
          <PasswordField
            id="password-new"
            name="newPassword"
            label="New password"
            autoComplete="new-password"
            errors={state.errors?.newPassword}
            hint={`At least ${passwordMinLength} characters. Your other devices will be signed out.`}
          />
        </>
      )}
    </AccountForm>
  );
}

export function ChangeEmailForm() {
  return (
    <AccountForm id="change-email" action={changeEmail} submit="Change email" pendingLabel="Sending…">
      {(state) => (
        <>
          <EmailField
            id="new-email"
            name="newEmail"
            label="New email"
            defaultValue={state.values?.newEmail}
            errors={state.errors?.newEmail}
          />
          <PasswordField
            id="email-current-password"
            name="currentPassword"
            label="Current password"
            autoComplete="current-password"
            errors={state.errors?.currentPassword}
          />
        </>
      )}
    </AccountForm>
  );
}

export function DeleteAccountForm({ needsPassword }: { needsPassword: boolean }) {
  return (
    <AccountForm id="delete-account" action={deleteAccount} submit="Delete account" pendingLabel="Deleting…">
      {(state) =>
        needsPassword ? (
          <PasswordField
            id="delete-current-password"
            name="currentPassword"
            label="Current password"
            autoComplete="current-password"
            errors={state.errors?.currentPassword}
          />
        ) : (
          <p className="hint">You signed in a moment ago, so no password is needed.</p>
        )
      }
    </AccountForm>
  );
}
