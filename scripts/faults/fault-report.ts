import pg from 'pg';
import { addressRequestJob } from '../../lib/accounts/address-request-job.ts';
import { resetPasswordKind } from '../../lib/email/kinds/reset-password.ts';
import { sendBulkEmailJob, sendEmailJob } from '../../lib/email/send-email-job.ts';
import { importProcessJob } from '../../lib/imports/import-jobs.ts';
import { deadLetterQueueOf } from '../../lib/jobs/job-definition.ts';
import type { ReceivedMessage } from '../../testing/smtp-sink.ts';
import type { SignUpError, SignUpOutcome } from './sign-up-load.ts';

export type FaultReport = {
  rows: [string, string | number][];
  lost: number;
  serverErrorsOutsideRestart: number;
};

type UserState = { email: string; pending: boolean; deadLettered: boolean };

/** The users the run created, with whether a job is still pending or was dead-lettered. */
export async function readUserStates(databaseUrl: string, emailPattern: string): Promise<UserState[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<UserState>(
      `SELECT u.email,
              bool_or(j.name = $2 AND j.state IN ('created', 'retry', 'active')) IS TRUE AS pending,
              bool_or(j.name = $3) IS TRUE AS "deadLettered"
         FROM users u
         LEFT JOIN email_deliveries d ON d.user_id = u.id
         LEFT JOIN pgboss.job j ON j.data->>'deliveryId' = d.id::text
        WHERE u.email LIKE $1
        GROUP BY u.email`,
      [emailPattern, sendEmailJob.name, deadLetterQueueOf(sendEmailJob)],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Jobs of the email, address-request and import queues not finished yet: the drain is over at zero. */
export async function countPendingJobs(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM pgboss.job
        WHERE name = ANY($1) AND state IN ('created', 'retry', 'active')`,
      [[sendEmailJob.name, addressRequestJob.name, importProcessJob.name, sendBulkEmailJob.name]],
    );
    return rows[0]?.pending ?? 0;
  } finally {
    await client.end();
  }
}

/** What became of the jobs still pending after the drain: why an email is late. */
export async function describePendingJobs(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT j.state, j.retry_count, j.start_after, d.status, d.attempts, d.last_error, d.claimed_until
         FROM pgboss.job j
         JOIN email_deliveries d ON d.id::text = j.data->>'deliveryId'
        WHERE j.name = $1 AND j.state IN ('created', 'retry', 'active')`,
      [sendEmailJob.name],
    );
    return rows.map((row) => JSON.stringify(row));
  } finally {
    await client.end();
  }
}

export type RunFacts = {
  outcomes: SignUpOutcome[];
  users: UserState[];
  messages: ReceivedMessage[];
  workerKills: number;
  /** When the database was down, from the stop to some seconds after it answered again. */
  restartWindow?: { from: number; to: number };
  smtpStats: Record<string, number>;
  durationMs: number;
};

export function buildReport({
  outcomes,
  users,
  messages,
  workerKills,
  restartWindow,
  smtpStats,
  durationMs,
}: RunFacts): FaultReport {
  // Each address gets its confirmation, and some a reset link too: counted apart, by subject.
  const resetSubject = resetPasswordKind.render({
    name: null,
    appUrl: '',
    link: { url: '', expiresAt: new Date() },
  }).subject;
  const received = new Map<string, number[]>();
  const resetsReceived = new Map<string, number>();
  for (const message of messages) {
    const to = message.to && !Array.isArray(message.to) ? message.to.value[0]?.address : undefined;
    if (!to) continue;
    if (message.subject === resetSubject) resetsReceived.set(to, (resetsReceived.get(to) ?? 0) + 1);
    else received.set(to, [...(received.get(to) ?? []), message.receivedAt.getTime()]);
  }
  const resetsAccepted = outcomes.filter((outcome) => outcome.reset?.acceptedAt !== undefined);
  const resetsLost = resetsAccepted.filter((outcome) => !resetsReceived.has(outcome.email));
  const resetsDuplicated = [...resetsReceived.values()].filter((count) => count > 1).length;
  const accepted = outcomes.filter((outcome) => outcome.acceptedAt !== undefined);
  const lost = users.filter((user) => !received.has(user.email) && !user.deadLettered && !user.pending);
  // A 201 whose user is not in the database is lost too.
  const saved = new Set(users.map((user) => user.email));
  const vanished = accepted.filter((outcome) => !saved.has(outcome.email));
  const duplicated = [...received.values()].filter((times) => times.length > 1);

  const latencies = accepted
    .map((outcome) => {
      const first = received.get(outcome.email)?.[0];
      // The worker may beat the response to the client; that counts as no wait at all.
      return first === undefined ? undefined : Math.max(0, first - (outcome.acceptedAt ?? first));
    })
    .filter((latency) => latency !== undefined)
    .sort((a, b) => a - b);

  const responseTimes = accepted
    .map((outcome) => outcome.responseMs)
    .filter((ms) => ms !== undefined)
    .sort((a, b) => a - b);

  // A request sent just before the database stopped fails in the restart too: what counts is overlap.
  const inRestart = ({ at, until }: SignUpError) =>
    restartWindow !== undefined && until >= restartWindow.from && at <= restartWindow.to;
  const errors = outcomes.flatMap((outcome) => [...outcome.errors, ...(outcome.reset?.errors ?? [])]);
  const countErrors = (during: boolean) =>
    Object.entries(
      errors
        .filter((error) => inRestart(error) === during)
        .reduce<Record<string, number>>(
          (counts, error) => ({ ...counts, [error.kind]: (counts[error.kind] ?? 0) + 1 }),
          {},
        ),
    )
      .map(([kind, count]) => `${kind}: ${count}`)
      .join(', ') || 'none';
  const serverErrorsOutsideRestart = errors.filter((error) => error.kind === '500' && !inRestart(error)).length;

  return {
    lost: lost.length + vanished.length + resetsLost.length,
    serverErrorsOutsideRestart,
    rows: [
      ['sign-ups attempted', outcomes.length],
      ['sign-ups accepted (201)', accepted.length],
      ['users saved', users.length],
      ['confirmation emails delivered (distinct users)', received.size],
      ['emails received in all', messages.length],
      ['confirmation emails lost', lost.length + vanished.length],
      ['confirmations duplicated (users with > 1)', duplicated.length],
      ['dead-lettered', users.filter((user) => user.deadLettered).length],
      ['password resets asked for', outcomes.filter((outcome) => outcome.reset).length],
      ['password resets accepted (202)', resetsAccepted.length],
      ['password resets refused (429 on a retry)', outcomes.filter((outcome) => outcome.reset?.refused).length],
      ['reset emails delivered (distinct users)', resetsReceived.size],
      ['reset emails lost', resetsLost.length],
      ['reset emails duplicated', resetsDuplicated],
      ['still pending after the drain', users.filter((user) => user.pending).length],
      ['worker kills (SIGKILL)', workerKills],
      [
        'database restart (down)',
        restartWindow ? `${Math.round((restartWindow.to - restartWindow.from) / 100) / 10} s window` : 'none',
      ],
      ['request errors during the restart', countErrors(true)],
      ['request errors outside the restart', countErrors(false)],
      [
        'SMTP faults injected',
        `transient ${smtpStats.transient ?? 0}, dropped ${smtpStats.dropped ?? 0}, delayed ${smtpStats.delayed ?? 0}, refused ${smtpStats.permanent ?? 0}`,
      ],
      // Held answers whose worker was killed meanwhile: the sink never accepted them.
      ['messages abandoned by a killed client', smtpStats.abandoned ?? 0],
      ['sign-up response p50 / p95', `${percentile(responseTimes, 0.5)} / ${percentile(responseTimes, 0.95)} ms`],
      ['sign-up -> delivery p50', `${percentile(latencies, 0.5)} ms`],
      ['sign-up -> delivery p95', `${percentile(latencies, 0.95)} ms`],
      ['run time', `${Math.round(durationMs / 1000)} s`],
    ],
  };
}

function percentile(sorted: number[], share: number): number | string {
  if (sorted.length === 0) return 'n/a';
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0);
}

export function formatTable(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
