import 'server-only';
import { fromPrisma } from 'pg-boss';
import { z } from 'zod';
import { markRequeued } from '../email/delivery-record.server.ts';
import type { Services } from '../services.server.ts';
import {
  confirmationEmailDeadLetterQueue,
  confirmationEmailJobSchema,
  confirmationEmailQueue,
} from './confirmation-email-job.ts';

export type DeadLetter = { jobId: string; deliveryId: string; deadSince: Date; reason: string };

// What the worker stored as the failed job's output (see worker/confirmation-worker.ts).
const failureOutputSchema = z.object({ reason: z.string() });

/** The confirmation emails that gave up (refused for good, or out of retries), oldest first. */
export async function listDeadLetters({ boss }: Pick<Services, 'boss'>, limit = 1000): Promise<DeadLetter[]> {
  const jobs = await boss.findJobs(confirmationEmailDeadLetterQueue, { queued: true, limit });
  return jobs.map((job) => {
    const output = failureOutputSchema.safeParse(job.sourceOutput);
    return {
      jobId: job.id,
      deliveryId: confirmationEmailJobSchema.parse(job.data).deliveryId,
      deadSince: job.createdOn,
      reason: output.success ? output.data.reason : 'unknown',
    };
  });
}

/**
 * Sends dead letters back to the confirmation-email queue (all of them, or those with the given
 * job ids) for a fresh round of attempts, and marks their deliveries queued again, in one transaction.
 * Returns how many went back.
 */
export async function replayDeadLetters({ db, boss }: Services, jobIds?: string[]): Promise<number> {
  const deliveryIds = (await listDeadLetters({ boss }))
    .filter((letter) => !jobIds || jobIds.includes(letter.jobId))
    .map((letter) => letter.deliveryId);
  return db.$transaction(async (tx) => {
    const moved = await boss.redrive(confirmationEmailDeadLetterQueue, {
      destination: confirmationEmailQueue,
      ids: jobIds,
      db: fromPrisma(tx),
    });
    await markRequeued(tx, deliveryIds);
    return moved;
  });
}
