import { setTimeout as sleep } from 'node:timers/promises';

export type SignUpOutcome = {
  email: string;
  /** When the 201 arrived (the user and the job were committed just before); undefined if none did. */
  acceptedAt?: number;
  /** How long the attempt that succeeded took. */
  responseMs?: number;
  errors: SignUpError[];
  /** The password reset asked for after the sign-up, for the addresses that ask for one. */
  reset?: ResetOutcome;
};

export type ResetOutcome = {
  /** When the 202 arrived (the job was committed just before); undefined if none did. */
  acceptedAt?: number;
  /** A 429: an earlier attempt of this request was counted, its answer lost; the person is told to wait. */
  refused: boolean;
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
  /** Whether the address at this index asks for a password reset once signed up. */
  asksForReset(index: number): boolean;
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
  asksForReset,
  onProgress,
}: SignUpLoadOptions): Promise<SignUpOutcome[]> {
  const outcomes: SignUpOutcome[] = [];
  let next = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    for (let index = next++; index < emails.length; index = next++) {
      const email = emails[index] ?? '';
      const webUrl = webUrls[index % webUrls.length] ?? '';
      const outcome = await signUp(webUrl, email, giveUpAfterMs);
      if (outcome.acceptedAt !== undefined && asksForReset(index)) {
        outcome.reset = await requestReset(webUrl, email, index, giveUpAfterMs);
      }
      outcomes.push(outcome);
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

/**
 * Asks for a password reset as a client that retries a 503 or a dropped request. Each address asks
 * from a client address of its own (X-Real-IP, which the fault run's web processes trust), so the
 * per-client limit never answers in the request's place; the per-address cooldown may, when an
 * earlier attempt was counted and its answer lost.
 */
async function requestReset(
  webUrl: string,
  email: string,
  index: number,
  giveUpAfterMs: number,
): Promise<ResetOutcome> {
  const outcome: ResetOutcome = { refused: false, errors: [] };
  const giveUpAt = Date.now() + giveUpAfterMs;
  for (let pauseMs = 200; Date.now() < giveUpAt; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    const at = Date.now();
    const status = await fetch(`${webUrl}/api/password-resets`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Real-IP': `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
      },
      body: JSON.stringify({ email }),
      signal: AbortSignal.timeout(30_000),
    }).then(
      (response) => response.status,
      () => 'network' as const,
    );
    if (status === 202) {
      outcome.acceptedAt = Date.now();
      return outcome;
    }
    if (status === 429) {
      outcome.refused = true;
      return outcome;
    }
    outcome.errors.push({ kind: String(status), at, until: Date.now() });
    await sleep(pauseMs);
  }
  return outcome;
}
