import { FieldError } from './field-error.tsx';

/** The email address input with its label and errors, as the sign-up and resend forms ask for it. */
export function EmailField({ defaultValue, errors }: { defaultValue?: string; errors: string[] | undefined }) {
  return (
    <div className="field">
      <label htmlFor="email">Email</label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={defaultValue}
        aria-invalid={errors ? true : undefined}
        aria-describedby="email-error"
      />
      <FieldError id="email-error" messages={errors} />
    </div>
  );
}
