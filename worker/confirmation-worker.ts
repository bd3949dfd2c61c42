import type { PgBoss } from 'pg-boss';
import { confirmationEmailJobSchema, confirmationEmailQueue } from '../lib/queue/confirmation-email-job.ts';
import { sendConfirmationEmail, type SendConfirmationEmailDeps } from '../lib/mail/send-confirmation-email.server.ts';

type ConfirmationWorkerOptions = { concurrency: number };

/** Subscribes this process to the confirmation-email queue. Returns the pg-boss worker id. */
export function startConfirmationWorker(
  boss: PgBoss,
  deps: SendConfirmationEmailDeps,
  { concurrency }: ConfirmationWorkerOptions,
): Promise<string> {
  return boss.work(
    confirmationEmailQueue,
    {
      localConcurrency: concurrency,
      // NOTIFY wakes the worker for new jobs; retries are not announced, so the backstop poll
      // decides how soon a retry that has come due is picked up.
      notifyPollingIntervalSeconds: 2,
    },
    async (jobs) => {
      for (const job of jobs) {
        const outcome = await sendConfirmationEmail(deps, confirmationEmailJobSchema.parse(job.data));
        console.log(
          JSON.stringify({ msg: 'confirmation email job done', jobId: job.id, attempt: job.retryCount + 1, outcome }),
        );
      }
    },
  );
}
