import { z } from 'zod';

/** The shape of an emailed link's token as the worker writes it (32 bytes, base64url); anything else is not one. */
export const linkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
