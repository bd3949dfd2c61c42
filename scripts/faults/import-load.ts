import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { invitationKind } from '../../lib/email/kinds/invitation.ts';
import type { ReceivedMessage } from '../../testing/smtp-sink.ts';
import type { SignUpError } from './sign-up-load.ts';

/** The imports' addresses: a domain of their own, apart from the sign-ups' (fault-run.test). */
export const importDomain = 'fault-import.test';

export type ImportLoadOutcome = {
  importIds: string[];
  /** Every valid address of every file: each must end as one user with one invitation. */
  expected: string[];
  /** Files whose upload or metadata never got its 202. */
  givenUp: number;
  errors: SignUpError[];
};

/**
 * Uploads `files` files of `rows` people each (plus an invalid row and a duplicate of the first, which
 * must stay row outcomes), then each file's metadata, as a client that retries: a 5xx or a dropped
 * request is sent again, the upload with the same Idempotency-Key, which makes that safe.
 */
export async function runImportLoad({
  webUrls,
  key,
  files,
  rows,
  giveUpAfterMs,
}: {
  webUrls: string[];
  key: string;
  files: number;
  rows: number;
  giveUpAfterMs: number;
}): Promise<ImportLoadOutcome> {
  const outcome: ImportLoadOutcome = { importIds: [], expected: [], givenUp: 0, errors: [] };
  const auth = { Authorization: `Bearer ${key}` };
  for (let file = 1; file <= files; file += 1) {
    const webUrl = webUrls[file % webUrls.length] ?? '';
    const addresses = Array.from({ length: rows }, (_, index) => `import-${file}-${index + 1}@${importDomain}`);
    const body = ['email,name', ...addresses.map((address) => `${address},Person`), 'not-an-address,Bad', addresses[0]];
    const uploaded = await retrying(outcome.errors, giveUpAfterMs, async () => {
      const response = await fetch(`${webUrl}/api/imports`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'text/csv', 'Idempotency-Key': `fault-run-file-${file}` },
        body: `${body.join('\n')}\n`,
      });
      const answer = (await response.json().catch(() => ({}))) as { statusUrl?: string; id?: string };
      return response.status === 202 && answer.statusUrl && answer.id
        ? { done: { statusUrl: answer.statusUrl, id: answer.id } }
        : { status: response.status };
    });
    const metadata =
      uploaded &&
      (await retrying(outcome.errors, giveUpAfterMs, async () => {
        const response = await fetch(`${webUrl}${uploaded.statusUrl}/metadata`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ source: 'fault-run', notify: 'invite' }),
        });
        await response.arrayBuffer();
        return response.status === 202 ? { done: true } : { status: response.status };
      }));
    if (!uploaded || !metadata) {
      outcome.givenUp += 1;
      continue;
    }
    outcome.importIds.push(uploaded.id);
    outcome.expected.push(...addresses);
  }
  return outcome;
}

async function retrying<T>(
  errors: SignUpError[],
  giveUpAfterMs: number,
  attempt: () => Promise<{ done: T } | { status: number }>,
): Promise<T | undefined> {
  const giveUpAt = Date.now() + giveUpAfterMs;
  for (let pauseMs = 200; Date.now() < giveUpAt; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    const at = Date.now();
    const result = await attempt().catch(() => ({ status: 0 }));
    if ('done' in result) return result.done;
    errors.push({ kind: result.status === 0 ? 'network' : String(result.status), at, until: Date.now() });
    // A 4xx other than a conflict will not mend by itself.
    if (result.status >= 400 && result.status < 500 && result.status !== 409) return undefined;
    await sleep(pauseMs);
  }
  return undefined;
}

export type ImportFacts = { rows: [string, string | number][]; lost: number };

/**
 * What became of the imports: every one completed, every valid address one user and one invitation
 * received, none twice (within the kills, as for sign-ups).
 */
export async function checkImports(
  databaseUrl: string,
  load: ImportLoadOutcome,
  messages: ReceivedMessage[],
): Promise<ImportFacts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: states } = await client.query<{ state: string; count: number }>(
      'SELECT state::text, count(*)::int AS count FROM imports WHERE id = ANY($1::uuid[]) GROUP BY state',
      [load.importIds],
    );
    const { rows: users } = await client.query<{ email: string }>('SELECT email FROM users WHERE email LIKE $1', [
      `%@${importDomain}`,
    ]);
    const subject = invitationKind.render({ name: null, appUrl: '', link: { url: '', expiresAt: new Date() } }).subject;
    const invitations = new Map<string, number>();
    for (const message of messages) {
      const to = message.to && !Array.isArray(message.to) ? message.to.value[0]?.address : undefined;
      if (to?.endsWith(`@${importDomain}`) && message.subject === subject) {
        invitations.set(to, (invitations.get(to) ?? 0) + 1);
      }
    }
    const saved = new Set(users.map((user) => user.email));
    const withoutUser = load.expected.filter((email) => !saved.has(email));
    const withoutInvitation = load.expected.filter((email) => !invitations.has(email));
    const duplicated = [...invitations.values()].filter((count) => count > 1).length;
    const completed = states
      .filter((state) => state.state.startsWith('completed'))
      .reduce((sum, s) => sum + s.count, 0);
    const notCompleted = load.importIds.length - completed;
    return {
      lost: withoutUser.length + withoutInvitation.length + notCompleted + load.givenUp,
      rows: [
        ['imports uploaded and given metadata (202s)', load.importIds.length],
        ['imports given up by the uploader', load.givenUp],
        ['imports completed', completed],
        ['import users expected (valid rows)', load.expected.length],
        ['import users saved', users.length],
        ['import users missing', withoutUser.length],
        ['invitations delivered (distinct users)', invitations.size],
        ['invitations lost', withoutInvitation.length],
        ['invitations duplicated', duplicated],
      ],
    };
  } finally {
    await client.end();
  }
}
