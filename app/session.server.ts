import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { findSession, type SignedIn } from '../lib/accounts/sessions.server.ts';
import { getServices } from '../lib/services.server.ts';

/**
 * The session cookie. Over https it has the __Host- prefix, which the browser accepts only with
 * Secure, Path=/ and no Domain, so no subdomain or plain-http page can set or shadow it. Local
 * development on plain http cannot have Secure, so it goes without the prefix there.
 */
function sessionCookie(secure: boolean) {
  return {
    name: secure ? '__Host-session' : 'session',
    options: { httpOnly: true, secure, sameSite: 'lax', path: '/' } as const,
  };
}

export async function setSessionCookie(token: string, expiresAt: Date): Promise<void> {
  const { config } = await getServices();
  const { name, options } = sessionCookie(config.sessions.secureCookie);
  (await cookies()).set(name, token, { ...options, expires: expiresAt });
}

export async function clearSessionCookie(): Promise<void> {
  const { config } = await getServices();
  const { name, options } = sessionCookie(config.sessions.secureCookie);
  (await cookies()).set(name, '', { ...options, maxAge: 0 });
}

/** The signed-in user of this request, if any: one indexed read of the session table. */
export async function currentSession(): Promise<SignedIn | undefined> {
  // The cookies first: reading them makes the page render per request, never at build time.
  const jar = await cookies();
  const { db, config } = await getServices();
  const token = jar.get(sessionCookie(config.sessions.secureCookie).name)?.value;
  // A well-formed token is 43 URL-safe characters; anything else opens nothing and costs no query.
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  return findSession(db, token, config.sessions);
}

/** The signed-in user, or a redirect to the sign-in page that comes back to `returnTo`. */
export async function requireSession(returnTo: string): Promise<SignedIn> {
  const session = await currentSession();
  if (!session) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return session;
}

/** Where a sign-in may send the person afterwards: a path of this site, never another origin. */
export function safeReturnPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/account';
}
