import { setTimeout as sleep } from 'node:timers/promises';

export type SignUpOutcome = {
  email: string;
  /** When the 201 arrived (the user and the job were committed just before); undefined if none did. */
  acceptedAt?: number;
  /** How long the attempt that succeeded took. */
  responseMs?: number;
  errors: SignUpError[];
};

/** One failed attempt: the HTTP status, or 'network' when no answer came; sent `at`, answered `until`. */
export type SignUpError = { kind: string; at: number; until: number };

export type SignUpLoadOptions = {
  webUrls: string[];
  emails: string[];
  concurrency: number;
  /** How long one sign-up keeps retrying (same idempotency key) before it is given up. */
  giveUpAfterMs: number;
  /** Called after each finished sign-up, with how many are done: the run's clock for its faults. */
  onProgress(done: number): void;
};

/**
 * Signs up every address through the web processes in turn, `concurrency` at a time, as a client
 * that retries: a 503 or a dropped request is sent again with the same Idempotency-Key, which
 * makes the retry safe.
 */
export async function runSignUpLoad({
  webUrls,
  emails,
  concurrency,
  giveUpAfterMs,
  onProgress,
}: SignUpLoadOptions): Promise<SignUpOutcome[]> {
  const outcomes: SignUpOutcome[] = [];
  let next = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    for (let index = next++; index < emails.length; index = next++) {
      const email = emails[index] ?? '';
      outcomes.push(await signUp(webUrls[index % webUrls.length] ?? '', email, giveUpAfterMs));
      onProgress(outcomes.length);
    }
  });
  await Promise.all(lanes);
  return outcomes;
}

async function signUp(webUrl: string, email: string, giveUpAfterMs: number): Promise<SignUpOutcome> {
  const outcome: SignUpOutcome = { email, errors: [] };
  const giveUpAt = Date.now() + giveUpAfterMs;
  for (let pauseMs = 200; Date.now() < giveUpAt; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    const at = Date.now();
    const status = await fetch(`${webUrl}/api/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `fault-run:${email}` },
      body: JSON.stringify({ email, password: 'correct horse battery' }),
      signal: AbortSignal.timeout(30_000),
    }).then(
      (response) => response.status,
      () => 'network' as const,
    );
    if (status === 201) {
      outcome.acceptedAt = Date.now();
      outcome.responseMs = outcome.acceptedAt - at;
      return outcome;
    }
    outcome.errors.push({ kind: String(status), at, until: Date.now() });
    await sleep(pauseMs);
  }
  return outcome;
}
