'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { LinkProblem, type LinkProblemMessages, type LinkProblemStatus } from './link-problem.tsx';

export type TokenActionState = {
  status?: LinkProblemStatus;
  /** Done, or refused for a reason of its own: said as is, with where to go next. */
  outcome?: { title: string; body: string; next: { href: string; label: string } };
  message?: string;
};

const initialState: TokenActionState = {};

/**
 * The page an emailed link opens: only a button, since mail scanners and link previews fetch URLs
 * and a GET must use nothing up. The form's POST does what the link is for.
 */
export function TokenActionForm({
  token,
  action,
  title,
  body,
  button,
  pendingLabel,
  messages,
  next,
}: {
  token: string;
  action: (previous: TokenActionState, formData: FormData) => Promise<TokenActionState>;
  title: string;
  body: string;
  button: string;
  pendingLabel: string;
  messages: LinkProblemMessages;
  next: { href: string; label: string };
}) {
  const [state, formAction, pending] = useActionState(action, initialState);
  if (state.status) return <LinkProblem status={state.status} messages={messages} next={next} />;
  if (state.outcome) {
    return (
      <section aria-live="polite">
        <h1>{state.outcome.title}</h1>
        <p>{state.outcome.body}</p>
        <p>
          <Link href={state.outcome.next.href}>{state.outcome.next.label}</Link>
        </p>
      </section>
    );
  }
  return (
    <>
      <h1>{title}</h1>
      <p>{body}</p>
      <form action={formAction}>
        <input type="hidden" name="token" value={token} />
        <p className="error" aria-live="polite">
          {state.message}
        </p>
        <button type="submit" disabled={pending}>
          {pending ? pendingLabel : button}
        </button>
      </form>
    </>
  );
}
