'use client';

/** What a person sees when something unexpected fails: a calm message, never a stack trace. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <h1>Something went wrong</h1>
      <p>We could not load this page just now. Please try again in a moment.</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </>
  );
}
