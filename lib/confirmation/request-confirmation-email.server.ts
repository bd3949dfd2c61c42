import 'server-only';
import { enqueueConfirmationEmail } from '../queue/enqueue-confirmation-email.server.ts';
import type { Services } from '../services.server.ts';

/**
 * Queues a fresh confirmation email for an unconfirmed account. Says nothing about whether the
 * address has an account: the caller shows the same page either way.
 */
export async function requestConfirmationEmail({ db, boss }: Services, email: string): Promise<void> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, confirmedAt: true } });
  if (!user || user.confirmedAt) return;
  await db.$transaction((tx) => enqueueConfirmationEmail(tx, boss, { userId: user.id, kind: 'confirm' }));
}
