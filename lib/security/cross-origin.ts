/**
 * Whether a request's Origin names another host than the one it was sent to, compared as Next's
 * server-action check compares them (the Origin's host against the first X-Forwarded-Host, else
 * Host), so that the proxy refuses what Next would refuse, with a 403 where Next answers 500.
 * Without an Origin there is nothing to compare; Next lets such requests through as well.
 */
export function isCrossOrigin(headers: Headers): boolean {
  const origin = headers.get('origin');
  if (origin === null) return false;
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host');
  // An opaque origin ("null": sandboxed frames, some redirects) is nobody's; a malformed one makes
  // Next's own parse throw. Neither is this host.
  const originHost = origin === 'null' ? undefined : URL.parse(origin)?.host;
  return !host || originHost !== host;
}
