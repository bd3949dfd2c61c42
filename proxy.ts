import { NextResponse, type NextRequest } from 'next/server';
import { isCrossOrigin } from './lib/security/cross-origin.ts';

/**
 * Refuses a POST from another origin before it reaches a route. Next's own server-action check
 * (kept) refuses the same requests, but with a 500 and an error in the log, as if the app had failed.
 */
export function proxy(request: NextRequest): NextResponse {
  if (request.method === 'POST' && isCrossOrigin(request.headers)) {
    return new NextResponse('Cross-origin requests are refused.\n', {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return NextResponse.next();
}

// Only requests that carry an Origin can be cross-origin; Next's own assets never need the check.
export const config = {
  matcher: [{ source: '/((?!_next/).*)', has: [{ type: 'header', key: 'origin' }] }],
};
