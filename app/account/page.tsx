import type { Metadata } from 'next';
import { signedInRecently } from '../../lib/accounts/delete-account.server.ts';
import { passwordMinLength } from '../../lib/accounts/password-rules.ts';
import { listSessions } from '../../lib/accounts/sessions.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { requireSession } from '../session.server.ts';
import { ChangeEmailForm, ChangePasswordForm, DeleteAccountForm } from './account-forms.tsx';
import { signOut, signOutEverywhereElse, signOutSession } from './actions.ts';
import { deviceName } from './device-name.ts';

export const metadata: Metadata = { title: 'Your account' };

const when = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export default async function AccountPage() {
  const { user, sessionId, signedInAt } = await requireSession('/account');
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

      <section aria-labelledby="change-password-heading">
        <h2 id="change-password-heading">Change password</h2>
        <ChangePasswordForm passwordMinLength={passwordMinLength} />
      </section>

      <section aria-labelledby="change-email-heading">
        <h2 id="change-email-heading">Change email</h2>
        <p className="hint">We email a link to the new address; your address changes when you open it.</p>
        <ChangeEmailForm />
      </section>

      <section aria-labelledby="delete-account-heading">
        <h2 id="delete-account-heading">Delete account</h2>
        <p className="hint">Your account and everything it holds are deleted at once. This cannot be undone.</p>
        <DeleteAccountForm needsPassword={!signedInRecently(signedInAt)} />
      </section>
    </>
  );
}
