import 'server-only';
import { fromPrisma, type PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { Database } from '../db/database.server.ts';
import { deadLetterQueueOf, type AnyJobDefinition } from './job-definition.ts';

export type DeadLetter = { queue: string; jobId: string; payload: unknown; deadSince: Date; reason: string };

// What work.server.ts stores as a failed job's output.
const failureOutputSchema = z.object({ reason: z.string() });

/** The jobs of `jobs` that gave up (refused for good, or out of retries), oldest first per queue. */
export async function listDeadLetters(
  boss: PgBoss,
  jobs: readonly AnyJobDefinition[],
  limit = 1000,
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const job of jobs.filter((candidate) => candidate.deadLetter)) {
    for (const dead of await boss.findJobs(deadLetterQueueOf(job), { queued: true, limit })) {
      const output = failureOutputSchema.safeParse(dead.sourceOutput);
      letters.push({
        queue: job.name,
        jobId: dead.id,
        payload: dead.data,
        deadSince: dead.createdOn,
        reason: output.success ? output.data.reason : 'unknown',
      });
    }
  }
  return letters;
}

/**
 * Sends dead letters back to their queues (all of them, or those with the given job ids) for a
 * fresh round of attempts, each queue's in one transaction with what its job does on a replay (the
 * outbox marks its deliveries queued again). Returns how many went back.
 */
export async function replayDeadLetters(
  { db, boss }: { db: Database; boss: PgBoss },
  jobs: readonly AnyJobDefinition[],
  jobIds?: string[],
): Promise<number> {
  const letters = (await listDeadLetters(boss, jobs)).filter((letter) => !jobIds || jobIds.includes(letter.jobId));
  let moved = 0;
  for (const job of jobs) {
    const mine = letters.filter((letter) => letter.queue === job.name);
    if (mine.length === 0) continue;
    moved += await db.$transaction(async (tx) => {
      const count = await boss.redrive(deadLetterQueueOf(job), {
        destination: job.name,
        ids: mine.map((letter) => letter.jobId),
        db: fromPrisma(tx),
      });
      await job.onReplay?.(
        tx,
        mine.map((letter) => job.payload.parse(letter.payload)),
      );
      return count;
    });
  }
  return moved;
}
