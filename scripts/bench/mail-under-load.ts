import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DiscardingSmtpSink } from '../../testing/smtp-sink.ts';
import { summarize, type Distribution } from './distribution.ts';

/**
 * How the sign-ups come: a burst fired on a fixed schedule whatever the answers (as a launch day
 * brings them), or one client signing up again as soon as it is answered.
 */
export type MailLoad = { kind: 'burst'; signups: number; overSeconds: number } | { kind: 'sustained'; signups: number };

export type MailCase = {
  name: 'burst' | 'sustained';
  load: MailLoad;
  workers: number;
  smtpLatencyMs: number;
  /** Sign-ups answered 201. */
  created: number;
  /** Of those, the ones whose email the SMTP server accepted before the bench stopped waiting. */
  accepted: number;
  /** From each 201 to its email accepted by the SMTP server. */
  signupToAcceptedMs: Distribution | undefined;
  /** From the first sign-up sent to the last one answered. */
  signupSeconds: number;
};

type MailCaseOptions = {
  name: MailCase['name'];
  load: MailLoad;
  workers: number;
  smtpLatencyMs: number;
  appUrl: string;
  sink: DiscardingSmtpSink;
  tag: string;
  timeoutSeconds: number;
};

const password = 'bench password 1234';

/**
 * Signs up through POST /api/users as `load` says, with the sink answering every message after
 * `smtpLatencyMs`, and times each sign-up's answer to its email's acceptance. The workers run on
 * their defaults; the caller starts them.
 */
export async function measureMailCase(options: MailCaseOptions): Promise<MailCase> {
  const { load, appUrl, sink, tag } = options;
  const answeredAt = new Map<string, number>();
  const signUp = async (index: number) => {
    const email = `${tag}-${index}@bench.example`;
    const response = await fetch(`${appUrl}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    await response.arrayBuffer();
    if (response.status === 201) answeredAt.set(email, performance.now());
  };

  const startedAt = performance.now();
  if (load.kind === 'burst') {
    const spacingMs = (load.overSeconds * 1000) / load.signups;
    await Promise.all(
      Array.from({ length: load.signups }, async (_, index) => {
        await sleep(Math.max(0, startedAt + index * spacingMs - performance.now()));
        await signUp(index);
      }),
    );
  } else {
    for (let index = 0; index < load.signups; index += 1) await signUp(index);
  }
  const signupSeconds = (performance.now() - startedAt) / 1000;

  const recipients = [...answeredAt.keys()];
  const missing = await sink.waitForRecipients(recipients, options.timeoutSeconds * 1000);
  const delays = recipients.flatMap((email) => {
    const acceptedAt = sink.acceptedAt.get(email);
    const answered = answeredAt.get(email);
    // The worker may beat the answer to the client: that is no wait at all.
    return acceptedAt === undefined || answered === undefined ? [] : [Math.max(0, acceptedAt - answered)];
  });
  return {
    name: options.name,
    load,
    workers: options.workers,
    smtpLatencyMs: options.smtpLatencyMs,
    created: answeredAt.size,
    accepted: answeredAt.size - missing,
    signupToAcceptedMs: summarize(delays),
    signupSeconds,
  };
}
