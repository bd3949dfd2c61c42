// The sign-up's rules for each field alone: what an import's rows are checked by too, without the
// password-strength estimate and the dictionaries it loads (~22 MB of heap, ~55 MB resident).
import { z } from 'zod';
import { parseEmailAddress, type EmailProblem } from './email-address.ts';
import { passwordMaxLength, passwordMinLength } from './password-rules.ts';

export const nameMaxLength = 100;

const emailMessages: Record<EmailProblem, string> = {
  missing: 'Enter your email address.',
  'too-long': 'That email address is too long.',
  invalid: 'Enter a valid email address, like name@example.com.',
};

/** An address as typed, parsed into the one form it is stored and compared in (see parseEmailAddress). */
export const emailSchema = z.string({ message: emailMessages.missing }).transform((raw, context) => {
  const parsed = parseEmailAddress(raw);
  if ('address' in parsed) return parsed.address;
  context.addIssue({ code: 'custom', message: emailMessages[parsed.problem] });
  return z.NEVER;
});

// NFKC, as NIST SP 800-63B asks: the same password typed on another keyboard or system (composed or
// decomposed accents, full-width forms) is the same password. Lengths count characters, not UTF-16 units.
export const passwordSchema = z
  .string({ message: 'Choose a password.' })
  .transform((password) => password.normalize('NFKC'))
  .refine((password) => [...password].length >= passwordMinLength, `Use at least ${passwordMinLength} characters.`)
  .refine((password) => [...password].length <= passwordMaxLength, `Use at most ${passwordMaxLength} characters.`);

// Control and format characters (line breaks, bidirectional overrides, zero-width marks) are never
// part of a name and can disguise text in an email; angle brackets only ever mean markup.
const invisibleCharacters = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const nameSchema = z
  .string({ message: 'Enter your name as text.' })
  .transform((name) => name.normalize('NFC').replace(invisibleCharacters, ' ').replace(/\s+/g, ' ').trim())
  .refine((name) => [...name].length <= nameMaxLength, `Use at most ${nameMaxLength} characters.`)
  .refine((name) => !/[<>]/.test(name), 'Leave out < and >.')
  .transform((name) => name || undefined)
  .optional();

/** The fields, each well formed; what the password-strength estimate needs before it can run. */
export const signupFieldsSchema = z.object({ email: emailSchema, password: passwordSchema, name: nameSchema });
