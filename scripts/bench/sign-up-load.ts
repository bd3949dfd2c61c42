import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { summarize, type Distribution } from './distribution.ts';

export type SignupLoadOptions = {
  appUrl: string;
  connections: number;
  durationSeconds: number;
  /** Makes this run's addresses unique: `${tag}-${n}@bench.example`. */
  tag: string;
};

export type SignupLoad = {
  connections: number;
  durationSeconds: number;
  /** Responses within the run, by status. */
  created: number;
  otherStatus: number;
  errors: number;
  latencyMs: Distribution | undefined;
  /** 201s per second of the run. */
  signupsPerSecond: number;
  addresses: {
    /** When each 201 arrived, by the address signed up, on the performance.now() clock. */
    createdAt: Map<string, number>;
    /**
     * Every address sent, answered or not: the run stops its clients mid-request, and the server may
     * finish those sign-ups after the run.
     */
    sent: string[];
  };
};

const password = 'bench password 1234';

/**
 * Drives POST /api/users with autocannon: `connections` clients, each sending its next sign-up as soon
 * as the previous one is answered, for `durationSeconds`. Every request signs up a new address.
 */
export function runSignupLoad({ appUrl, connections, durationSeconds, tag }: SignupLoadOptions): Promise<SignupLoad> {
  const createdAt = new Map<string, number>();
  // autocannon hands the same context object to a request's setup and to its response (one request in
  // flight per connection), so the address can be keyed on it.
  const addressOf = new WeakMap<object, string>();
  const sent: string[] = [];

  return timedRun({
    url: `${appUrl}/api/users`,
    connections,
    duration: durationSeconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // Called for each request just before it is sent.
        setupRequest(request, context) {
          const email = `${tag}-${sent.length + 1}@bench.example`;
          sent.push(email);
          addressOf.set(context, email);
          return { ...request, body: JSON.stringify({ email, password }) };
        },
        onResponse(status, _body, context) {
          const email = addressOf.get(context);
          if (status === 201 && email) createdAt.set(email, performance.now());
        },
      },
    ],
  }).then(({ result, latencyMs }) => ({
    connections,
    durationSeconds,
    created: createdAt.size,
    otherStatus: result.non2xx,
    errors: result.errors + result.timeouts,
    latencyMs,
    signupsPerSecond: createdAt.size / result.duration,
    addresses: { createdAt, sent },
  }));
}

/** One autocannon run, with every response's time as it came. */
function timedRun(
  options: autocannon.Options,
): Promise<{ result: autocannon.Result; latencyMs: Distribution | undefined }> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => {
      if (error) reject(error);
      else resolve({ result, latencyMs: summarize(latencies) });
    });
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  });
}

export type RefusedLoad = { refused: number; otherStatus: number; latencyMs: Distribution | undefined };

/**
 * Drives POST /api/users with a body that is not JSON, which the route refuses (400) before anything
 * else: what HTTP, Next.js and a route's first lines cost the web process, with no database, no
 * check and no hash. The part of a sign-up's CPU that no change inside the sign-up can cut.
 */
export function runRefusedLoad({
  appUrl,
  connections,
  durationSeconds,
}: Omit<SignupLoadOptions, 'tag'>): Promise<RefusedLoad> {
  return timedRun({
    url: `${appUrl}/api/users`,
    connections,
    duration: durationSeconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  }).then(({ result, latencyMs }) => {
    const refused = result.statusCodeStats?.['400']?.count ?? 0;
    return { refused, otherStatus: result.requests.total - refused, latencyMs };
  });
}
