'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { EmailField } from '../email-field.tsx';
import { resendConfirmation, resendToSignupAddress, type ResendState } from './actions.ts';
import { useCountdown } from './use-countdown.ts';

const initialState: ResendState = {};

/**
 * Asks for a new confirmation link. On the resend page the address is typed in; on the "check
 * your inbox" page (`toSignupAddress`) it is the one just signed up with; after a sign-in with the
 * right password (`email`) it is the one signed in with. After each request the button waits out
 * the cooldown, counting down where it can be seen.
 */
export function ResendForm({ toSignupAddress = false, email }: { toSignupAddress?: boolean; email?: string }) {
  const [state, formAction, pending] = useActionState(
    toSignupAddress ? resendToSignupAddress : resendConfirmation,
    initialState,
  );
  const waitLeft = useCountdown(state.waitSeconds, state);

  return (
    <form action={formAction} noValidate>
      {email ? (
        <input type="hidden" name="email" value={email} />
      ) : (
        !toSignupAddress && <EmailField defaultValue={state.values?.email} errors={state.errors?.email} />
      )}
      {state.sent && (
        <p role="status">
          {toSignupAddress
            ? 'If your address is not confirmed yet'
            : `If ${state.values?.email} has an account that is not confirmed yet`}
          , a new link is on its way. Check your inbox; the links in earlier emails no longer work.
        </p>
      )}
      <p className="error" aria-live="polite">
        {state.message}
        {state.message && toSignupAddress && !state.waitSeconds && (
          <>
            {' '}
            <Link href="/resend">Enter your address</Link>
          </>
        )}
      </p>
      <button type="submit" disabled={pending || waitLeft > 0}>
        {pending ? 'Sending…' : waitLeft > 0 ? `Send another link in ${waitLeft} s` : 'Send a new link'}
      </button>
    </form>
  );
}
