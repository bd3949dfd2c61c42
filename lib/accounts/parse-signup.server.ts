import 'server-only';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { z } from 'zod';
import { hashPassword } from './password.server.ts';
import { signupFieldsSchema } from './signup-fields.ts';
import { passwordStrengthSchema, type SignupInput } from './signup-schema.ts';

export type ParsedSignup =
  { success: true; data: SignupInput; passwordHash: Promise<string> } | { success: false; error: z.ZodError };

/**
 * signupSchema's checks, with the password's hash started as soon as the fields are well formed:
 * the hash runs on libuv's thread pool while the strength estimate, the costliest check, runs on
 * this thread, so a sign-up waits for the longer of the two instead of their sum. A password found
 * too weak has then been hashed for nothing, once per attempt the rate limits let through.
 */
export async function parseSignup(fields: unknown): Promise<ParsedSignup> {
  const wellFormed = signupFieldsSchema.safeParse(fields);
  if (!wellFormed.success) return wellFormed;
  const passwordHash = hashPassword(wellFormed.data.password);
  // hashPassword hands the hash to the thread pool from a promise callback (its slot queue), which
  // would otherwise wait until the estimate below has finished: the two then ran one after the other
  // (measured: the hash began ~11 ms into a 38 ms sign-up).
  await nextTurn();
  const strong = passwordStrengthSchema.safeParse(wellFormed.data);
  if (!strong.success) {
    // Nobody waits for this hash: without a handler its failure would end the process.
    passwordHash.catch(() => {});
    return strong;
  }
  return { success: true, data: wellFormed.data, passwordHash };
}
