/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addons and a library that manages its own pg pool: loaded by Node at run time, not bundled.
  serverExternalPackages: ['@node-rs/argon2', 'pg-boss', 'pg'],
};

export default nextConfig;
