// A static policy rather than per-request nonces: nonces would force every page to render per
// request, and the pages here are mostly static. Next's inline bootstrap scripts therefore need
// 'unsafe-inline'; everything else is locked to this origin. See docs/decisions/011-security-headers.md.
const isDev = process.env.NODE_ENV !== 'production';

const contentSecurityPolicy = [
  "default-src 'self'",
  // React's development build evaluates code for its debugging aids; production never does.
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: contentSecurityPolicy },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Never a path or query in Referer, so /confirm's token stays put. Not 'no-referrer': under it
  // browsers send "Origin: null" with a plain form post, and Next's server-action origin check then
  // refuses every form submitted without JavaScript.
  { key: 'Referrer-Policy', value: 'strict-origin' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded by Node at run time, not bundled: native addons, libraries that manage their own pg
  // pool, and zxcvbn, whose dictionaries would otherwise be held once per bundle that imports them
  // (the form's action, the JSON route, instrumentation): ~20 MB more per web process.
  serverExternalPackages: [
    '@node-rs/argon2',
    'pg-boss',
    'pg',
    'pg-copy-streams',
    'rate-limiter-flexible',
    '@zxcvbn-ts/core',
    '@zxcvbn-ts/language-common',
    '@zxcvbn-ts/language-en',
  ],
  poweredByHeader: false,
  // `next dev` logs each request's URL, and the links emails carry a token: tokens are never logged.
  logging: {
    incomingRequests: { ignore: [/^\/(confirm|reset-password|confirm-email-change|cancel-email-change|invitation)\?/] },
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
