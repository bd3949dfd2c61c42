import type { Metadata } from 'next';
import { listSessions } from '../../lib/accounts/sessions.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { requireSession } from '../session.server.ts';
import { signOut, signOutEverywhereElse, signOutSession } from './actions.ts';
import { deviceName } from './device-name.ts';

export const metadata: Metadata = { title: 'Your account' };

const when = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export default async function AccountPage() {
  const { user, sessionId } = await requireSession('/account');
  const { db, config } = await getServices();
  const sessions = await listSessions(db, user.id, config.sessions);

  return (
    <>
      <h1>Your account</h1>
      <dl>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Name</dt>
        <dd>{user.name ?? '—'}</dd>
      </dl>
      <form action={signOut}>
        <button type="submit">Sign out</button>
      </form>

      <h2>Where you are signed in</h2>
      <ul className="sessions">
        {sessions.map((session) => (
          <li key={session.id}>
            <strong>{deviceName(session.userAgent)}</strong>
            {session.id === sessionId && <span className="hint"> (this device)</span>}
            <br />
            <span className="hint">
              Signed in {when(session.createdAt)}, last seen {when(session.lastSeenAt)}
            </span>
            {session.id !== sessionId && (
              <form action={signOutSession}>
                <input type="hidden" name="sessionId" value={session.id} />
                <button
                  type="submit"
                  aria-label={`Sign out ${deviceName(session.userAgent)}, signed in ${when(session.createdAt)}`}
                >
                  Sign out
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {sessions.length > 1 && (
        <form action={signOutEverywhereElse}>
          <button type="submit">Sign out everywhere else</button>
        </form>
      )}
    </>
  );
}
