/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addons and a library that manages its own pg pool: loaded by Node at run time, not bundled.
  serverExternalPackages: ['@node-rs/argon2', 'pg-boss', 'pg'],
  // `next dev` logs each request's URL, and confirmation URLs carry a token: tokens are never logged.
  logging: { incomingRequests: { ignore: [/^\/confirm\?/] } },
};

export default nextConfig;
