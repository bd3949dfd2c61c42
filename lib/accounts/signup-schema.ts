import { z } from 'zod';
import { passwordWeakness } from './password-strength.ts';
import { passwordSchema, signupFieldsSchema } from './signup-fields.ts';

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
