import { z } from 'zod';

export const passwordMinLength = 8;
export const passwordMaxLength = 256;

/** Addresses are compared and stored trimmed and lower-cased, so one mailbox has one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailSchema = z
  .string({ message: 'Enter your email address.' })
  .trim()
  .min(1, 'Enter your email address.')
  .max(254, 'That email address is too long.')
  .pipe(z.email({ message: 'Enter a valid email address, like name@example.com.' }))
  .transform(normalizeEmail);

export const signupSchema = z.object({
  email: emailSchema,
  password: z
    .string({ message: 'Choose a password.' })
    .min(passwordMinLength, `Use at least ${passwordMinLength} characters.`)
    .max(passwordMaxLength, `Use at most ${passwordMaxLength} characters.`),
  name: z
    .string()
    .trim()
    .max(100, 'Use at most 100 characters.')
    .transform((name) => name || undefined)
    .optional(),
});

export type SignupInput = z.infer<typeof signupSchema>;
export type SignupFields = z.input<typeof signupSchema>;
