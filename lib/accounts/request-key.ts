import { z } from 'zod';

/**
 * A sign-up request's idempotency key: the form carries one of its own, API clients may send one as
 * `Idempotency-Key`. The same key for the same address is one sign-up, however often it arrives.
 */
export const requestKeySchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{8,200}$/, { message: 'An idempotency key is 8 to 200 printable ASCII characters.' })
  .optional();
