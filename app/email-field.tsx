import { FieldError } from './field-error.tsx';

/** The email address input with its label and errors, as the sign-up and resend forms ask for it. */
export function EmailField({
  defaultValue,
  errors,
  id = 'email',
  name = 'email',
  label = 'Email',
}: {
  defaultValue?: string;
  errors: string[] | undefined;
  id?: string;
  name?: string;
  label?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="email"
        autoComplete="email"
        required
        defaultValue={defaultValue}
        aria-invalid={errors ? true : undefined}
        aria-describedby={`${id}-error`}
      />
      <FieldError id={`${id}-error`} messages={errors} />
    </div>
  );
}
