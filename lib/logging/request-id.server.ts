import 'server-only';
import { randomUUID } from 'node:crypto';

const requestIdPattern = /^[\w.:-]{1,100}$/;

/** The id that ties a request's log lines together: the proxy's `X-Request-Id` when it sent a sane one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get('x-request-id');
  return given && requestIdPattern.test(given) ? given : randomUUID();
}
