/** A field's error messages, announced to screen readers as they appear. */
export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  return (
    <div id={id} aria-live="polite">
      {messages?.map((message) => (
        <p key={message} className="error">
          {message}
        </p>
      ))}
    </div>
  );
}
