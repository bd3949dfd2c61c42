import { NextResponse, type NextRequest } from 'next/server';
import { resetTokenCookie } from './app/reset-password/reset-token-cookie.ts';
import { isCrossOrigin } from './lib/security/cross-origin.ts';

/**
 * Two things happen before a request reaches a route:
 * - A POST from another origin is refused. Next's own server-action check (kept) refuses the same
 *   requests, but with a 500 and an error in the log, as if the app had failed.
 * - A password reset link (/reset-password?token=…) hands its token to a cookie and sends the browser
 *   on to the same page without it. This answer carries `Referrer-Policy: no-referrer`, so the URL
 *   with the token goes nowhere; the form page cannot carry that policy, since under it browsers send
 *   "Origin: null" with the form's POST and the origin check above (and Next's) must refuse it.
 */
export function proxy(request: NextRequest): NextResponse {
  if (request.method === 'POST' && isCrossOrigin(request.headers)) {
    return new NextResponse('Cross-origin requests are refused.\n', {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const token = request.nextUrl.pathname === '/reset-password' ? request.nextUrl.searchParams.get('token') : null;
  if (request.method === 'GET' && token !== null) {
    const target = request.nextUrl.clone();
    target.search = '';
    const response = NextResponse.redirect(target, 303);
    response.headers.set('Referrer-Policy', 'no-referrer');
    response.headers.set('Cache-Control', 'no-store');
    response.cookies.set(resetTokenCookie.name, token.slice(0, 100), {
      ...resetTokenCookie.options,
      secure: request.nextUrl.protocol === 'https:',
    });
    return response;
  }
  return NextResponse.next();
}

// Only requests that carry an Origin can be cross-origin, and only a reset link carries a token to
// move; Next's own assets never need either. Nor does the imports API the origin check: its callers
// prove themselves with a key, never a cookie, and a proxy in front of a route buffers the request's
// body, which an upload of 100 MB must stream.
export const config = {
  matcher: [
    { source: '/((?!_next/|api/imports).*)', has: [{ type: 'header', key: 'origin' }] },
    { source: '/reset-password', has: [{ type: 'query', key: 'token' }] },
  ],
};
