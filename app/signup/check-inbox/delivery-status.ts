import * as z from 'zod/mini';

// This schema also runs in the browser, hence zod's tree-shakable build: the page's zod chunk,
// fetched and compiled right after "Sign up", is 52 KB instead of full zod's 102 KB.
// Creating it, zod probes whether it may compile parsers with `new Function`; the probe is caught,
// but the browser still reports a violation of the page's Content-Security-Policy (no eval). Must
// run before the schema below is created.
z.config({ jitless: true });

// What the status endpoint answers and the page shows. Null: not known right now (no sign-up in
// this browser, or the database is away for a moment).
export const deliveryStatusSchema = z.object({
  status: z.nullable(z.enum(['queued', 'sending', 'retrying', 'sent', 'failed', 'skipped'])),
});

export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>['status'];

/** States after which nothing changes by itself, so the page stops asking. */
export function isFinal(status: DeliveryStatus): boolean {
  return status === 'sent' || status === 'failed' || status === 'skipped';
}
