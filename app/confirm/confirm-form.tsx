'use client';

import { useActionState } from 'react';
import { confirm, type ConfirmState } from './actions.ts';
import { TokenStatusMessage } from './token-status-message.tsx';

const initialState: ConfirmState = {};

export function ConfirmForm({ token }: { token: string }) {
  const [state, formAction, pending] = useActionState(confirm, initialState);

  if (state.status) return <TokenStatusMessage status={state.status} />;

  return (
    <>
      <h1>Confirm your email address</h1>
      <p>One last step: press the button to confirm this address belongs to you.</p>
      <form action={formAction}>
        <input type="hidden" name="token" value={token} />
        <p className="error" aria-live="polite">
          {state.message}
        </p>
        <button type="submit" disabled={pending}>
          {pending ? 'Confirming…' : 'Confirm my email'}
        </button>
      </form>
    </>
  );
}
