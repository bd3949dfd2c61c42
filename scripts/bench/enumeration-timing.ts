import { performance } from 'node:perf_hooks';
import { hiddenFieldsIn } from '../../testing/rendered-form.ts';
import { summarize, type Distribution } from './distribution.ts';
import { mannWhitneyAuc, type Distinguishability } from './mann-whitney-auc.ts';

/** One endpoint's answers for addresses with an unconfirmed account and for addresses without one. */
export type EndpointTiming = {
  endpoint: string;
  knownMs: Distribution | undefined;
  unknownMs: Distribution | undefined;
  /** How likely a request for a known address is to take longer than one for an unknown address. */
  distinguishability: Distinguishability | undefined;
  /** Answers other than the one designed for the request, left out of the figures. */
  otherAnswers: number;
};

export type EnumerationTiming = {
  signup: EndpointTiming;
  resend: EndpointTiming;
  /** A wrong password for an address with an account against any password for one without. */
  signIn: EndpointTiming;
  forgotPassword: EndpointTiming;
  /** Sign-ins with the right password, one at a time: what a person waits for, against the hash. */
  signInSuccessMs: Distribution | undefined;
};

/** The endpoints whose answers must not tell a known address from an unknown one, by name. */
export function timedEndpoints(timing: EnumerationTiming): [string, EndpointTiming][] {
  return [
    ['Sign-up', timing.signup],
    ['Resend', timing.resend],
    ['Sign-in', timing.signIn],
    ['Forgot password', timing.forgotPassword],
  ];
}

export type EnumerationTimingOptions = {
  /** A running `next start` in deferred mode, with a worker. */
  appUrl: string;
  /** Requests timed per group (known, unknown) and endpoint. */
  samples?: number;
  /** The header the app takes the client's address from (TRUSTED_PROXY_IP_HEADER, one hop). */
  clientIpHeader: string;
  /** Makes this run's addresses unique. */
  tag: string;
  /** Confirms these accounts' addresses (as their links would), so that they can sign in. */
  confirmAccounts(emails: string[]): Promise<void>;
};

type Send = (email: string) => Promise<boolean>;

const password = 'bench password 1234';
// Untimed requests of each group first: the first of each path loads code and fills caches.
const warmUpPerGroup = 5;

/**
 * Times sign-up (POST /api/users), resend, sign-in with a wrong password and forgot-password (their
 * forms, posted as a browser without JavaScript posts them) for addresses that have an unconfirmed account and for addresses that have
 * none, one request at a time, the two kinds in random order so that drifts in the machine's load
 * fall on both alike. Each request comes from a client address of its own and names an address of
 * its own, so no rate limit or cooldown answers in the endpoint's place.
 */
export async function measureEnumerationTiming({
  appUrl,
  samples = 150,
  clientIpHeader,
  tag,
  confirmAccounts,
}: EnumerationTimingOptions): Promise<EnumerationTiming> {
  let clients = 0;
  const nextClient = () => {
    clients += 1;
    return { [clientIpHeader]: `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}` };
  };
  // Known and unknown addresses of one length, so that neither takes longer to read or hash.
  const addresses = (kind: string, count: number) =>
    Array.from({ length: count }, (_, index) => `${tag}-${kind}${index}@bench.example`);

  const signUp: Send = async (email) => {
    const response = await fetch(`${appUrl}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...nextClient() },
      body: JSON.stringify({ email, password }),
    });
    await response.arrayBuffer();
    return response.status === 201;
  };

  const known = addresses('k', warmUpPerGroup + samples);
  for (const email of known) {
    if (!(await signUp(email))) throw new Error(`could not sign ${email} up, so it would not be a known address`);
  }

  /** Posts a page's form as a browser without JavaScript does, from a client of its own. */
  const formOf = async (path: string) => {
    const hidden = hiddenFieldsIn(await (await fetch(`${appUrl}${path}`)).text());
    return async (fields: Record<string, string>) => {
      const body = new FormData();
      for (const [name, value] of Object.entries({ ...hidden, ...fields })) body.append(name, value);
      const response = await fetch(`${appUrl}${path}`, {
        method: 'POST',
        body,
        headers: { origin: appUrl, ...nextClient() },
        redirect: 'manual',
      });
      return { status: response.status, text: await response.text() };
    };
  };
  // A limit or a cooldown answers 200 as well, with another message: only the designed one counts.
  const answers =
    (post: Awaited<ReturnType<typeof formOf>>, expected: string) => async (fields: Record<string, string>) => {
      const { status, text } = await post(fields);
      return status === 200 && text.includes(expected);
    };
  const resend = answers(await formOf('/resend'), 'a new link is on its way');
  const signInForm = await formOf('/sign-in');
  const signIn = answers(signInForm, 'That email and password do not match an account.');
  const forgot = answers(await formOf('/forgot-password'), 'a link to reset its password is on its way');
  const more = (kind: string) => addresses(kind, warmUpPerGroup + samples);

  const signup = await compare('POST /api/users', known, more('u'), signUp);
  const resendTiming = await compare('/resend form', known, more('r'), (email) => resend({ email }));
  // Resends are for unconfirmed accounts, sign-ins for confirmed ones.
  await confirmAccounts(known);
  const signInTiming = await compare('/sign-in form, wrong password', known, more('s'), (email) =>
    signIn({ email, password: 'not the password 1234' }),
  );
  // The right password: a new session each, answered with a redirect to /account.
  const successMs: number[] = [];
  for (const email of known) {
    const startedAt = performance.now();
    const { status } = await signInForm({ email, password });
    if (status !== 303) throw new Error(`signing ${email} in answered ${status}`);
    successMs.push(performance.now() - startedAt);
  }
  const forgotTiming = await compare('/forgot-password form', known, more('f'), (email) => forgot({ email }));
  return {
    signup,
    resend: resendTiming,
    signIn: signInTiming,
    forgotPassword: forgotTiming,
    signInSuccessMs: summarize(successMs.slice(warmUpPerGroup)),
  };
}

async function compare(endpoint: string, known: string[], unknown: string[], send: Send): Promise<EndpointTiming> {
  const warmUp = (emails: string[]) => emails.slice(0, warmUpPerGroup);
  const timed = (emails: string[]) => emails.slice(warmUpPerGroup);
  await timeInRandomOrder(warmUp(known), warmUp(unknown), send);
  const { knownMs, unknownMs, otherAnswers } = await timeInRandomOrder(timed(known), timed(unknown), send);
  return {
    endpoint,
    knownMs: summarize(knownMs),
    unknownMs: summarize(unknownMs),
    distinguishability: mannWhitneyAuc(knownMs, unknownMs),
    otherAnswers,
  };
}

async function timeInRandomOrder(known: string[], unknown: string[], send: Send) {
  const requests = shuffle([
    ...known.map((email) => ({ email, known: true })),
    ...unknown.map((email) => ({ email, known: false })),
  ]);
  const knownMs: number[] = [];
  const unknownMs: number[] = [];
  let otherAnswers = 0;
  for (const { email, known: isKnown } of requests) {
    const startedAt = performance.now();
    const answered = await send(email);
    const elapsed = performance.now() - startedAt;
    if (!answered) otherAnswers += 1;
    else (isKnown ? knownMs : unknownMs).push(elapsed);
  }
  return { knownMs, unknownMs, otherAnswers };
}

/** Fisher-Yates. */
function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}
