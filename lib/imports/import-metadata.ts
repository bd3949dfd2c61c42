import { z } from 'zod';

const freeText = z.string().trim().max(200, 'Use at most 200 characters.');

/**
 * The supplementary metadata file an uploader sends after the upload: what to do with the rows.
 * Unknown fields are refused, so a misspelt option is an error rather than silently the default.
 */
export const importMetadataSchema = z.strictObject({
  source: freeText.optional(),
  batch: freeText.optional(),
  notify: z.enum(['invite', 'confirm', 'none']).default('invite'),
  onConflict: z.enum(['skip', 'update', 'fail']).default('skip'),
  validateOnly: z.boolean().default(false),
});

export type ImportMetadata = z.output<typeof importMetadataSchema>;
