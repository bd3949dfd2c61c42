import type * as z from 'zod/mini';
import type { deliveryStatusSchema } from '../delivery-status.ts';
import { readSignupDelivery } from '../delivery-status.server.ts';

/** The live state of this browser's confirmation email, for the "check your inbox" page. */
export async function GET(): Promise<Response> {
  const { status } = await readSignupDelivery();
  const body: z.infer<typeof deliveryStatusSchema> = { status };
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
}
