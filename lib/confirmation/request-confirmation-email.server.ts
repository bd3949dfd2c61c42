import 'server-only';
import { confirmationEmailQueue, type ConfirmationEmailJob } from '../queue/confirmation-email-job.ts';
import type { Services } from '../services.server.ts';

/**
 * Queues a fresh confirmation email for an unconfirmed account. Says nothing about whether the
 * address has an account: the caller shows the same page either way.
 */
export async function requestConfirmationEmail({ db, boss }: Services, email: string): Promise<void> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, confirmedAt: true } });
  if (!user || user.confirmedAt) return;
  const job: ConfirmationEmailJob = { userId: user.id, kind: 'confirm' };
  await boss.send(confirmationEmailQueue, job);
}
