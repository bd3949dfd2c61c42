import { z } from 'zod';
import { parseEmailAddress, type EmailProblem } from './email-address.ts';
import { passwordMaxLength, passwordMinLength } from './password-rules.ts';
import { passwordWeakness } from './password-strength.ts';

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
const passwordSchema = z
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

function refuseWeakPassword({ email, password, name }: z.output<typeof signupFieldsSchema>, context: z.RefinementCtx) {
  const weakness = passwordWeakness(password, [email, ...(name ? [name] : [])]);
  if (weakness) context.addIssue({ code: 'custom', path: ['password'], message: weakness });
}

/** Every check in one schema: what parseSignup answers (its tests hold the two equal), and the rules' tests' subject. */
export const signupSchema = signupFieldsSchema
  // Runs once every field is otherwise valid: the estimate is the costliest check, and it needs the
  // address and name to catch passwords built from them.
  .superRefine(refuseWeakPassword, { when: (payload) => payload.issues.length === 0 });

/** The strength estimate alone, for fields signupFieldsSchema has accepted (see parseSignup). */
export const passwordStrengthSchema = z.custom<z.output<typeof signupFieldsSchema>>().superRefine(refuseWeakPassword);

export type NewPasswordResult = { status: 'valid'; password: string } | { status: 'invalid'; errors: string[] };

/**
 * A password set on an existing account (a reset, a change, an invitation) by the sign-up's own
 * rules: the same lengths, normalisation and strength estimate, with the account's address and
 * name as the words it must not be built from.
 */
export function checkNewPassword(raw: unknown, account: { email: string; name: string | null }): NewPasswordResult {
  const parsed = passwordSchema.safeParse(raw);
  if (!parsed.success) return { status: 'invalid', errors: parsed.error.issues.map((issue) => issue.message) };
  const weakness = passwordWeakness(parsed.data, [account.email, ...(account.name ? [account.name] : [])]);
  return weakness ? { status: 'invalid', errors: [weakness] } : { status: 'valid', password: parsed.data };
}

export type SignupInput = z.infer<typeof signupSchema>;
export type SignupFields = z.input<typeof signupSchema>;
