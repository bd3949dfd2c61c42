import 'server-only';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { createLogger } from '../../../lib/logging/logger.server.ts';
import { findDeliveryStatus } from '../../../lib/email/delivery-record.server.ts';
import { getServices } from '../../../lib/services.server.ts';
import { signupDeliveryCookie } from '../signup-delivery-cookie.ts';
import type { DeliveryStatus } from './delivery-status.ts';

const logger = createLogger('web');

/**
 * The state of the email this browser's sign-up asked for, and its address. Never throws: with the
 * database away the page still renders and keeps asking.
 */
export async function readSignupDelivery(): Promise<{ status: DeliveryStatus; email?: string }> {
  const deliveryId = z.uuid().safeParse((await cookies()).get(signupDeliveryCookie.name)?.value);
  if (!deliveryId.success) return { status: null };
  try {
    const { db } = await getServices();
    return (await findDeliveryStatus(db, deliveryId.data)) ?? { status: null };
  } catch (error) {
    logger.warn({ err: error }, 'could not read the delivery status');
    return { status: null };
  }
}
