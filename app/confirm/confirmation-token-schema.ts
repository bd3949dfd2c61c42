import { z } from 'zod';

/** The shape of a token as the worker writes it (32 bytes, base64url); anything else is not one. */
export const confirmationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
