// Runs once when a Next.js server process starts.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { loadConfig } = await import('./lib/config/config.server.ts');
  const { getServices } = await import('./lib/services.server.ts');
  // A misconfigured server should not start at all.
  loadConfig();
  // Open the database pool, start pg-boss and load Prisma's query compiler now rather than on the
  // first sign-up. A database that is down must not stop the server from starting: the first
  // request that needs it tries again.
  const { createLogger } = await import('./lib/logging/logger.server.ts');
  getServices()
    .then(({ db }) => db.$queryRaw`SELECT 1`)
    .catch((error: unknown) =>
      createLogger('web').error({ err: error }, 'could not connect to the database at start-up'),
    );
  const { warmPasswordEstimator } = await import('./lib/accounts/password-strength.ts');
  warmPasswordEstimator();
  // Likewise argon2's thread and memory. With the query compiler and these warmed here, the first
  // sign-up of a `next start` took 160-180 ms instead of 400-440 (measured).
  const { hashPassword } = await import('./lib/accounts/password.server.ts');
  await hashPassword('warm up');
}
