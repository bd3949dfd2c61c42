import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// Prisma's native schema engine is downloaded from Prisma's servers on first use, which is not
// always possible (offline machines, locked-down CI); this engine runs Prisma's own WebAssembly
// build of it instead. See docs/decisions/001-wasm-schema-engine.md.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('./prisma/schema-engine/main.ts', import.meta.url));

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // Not env('DATABASE_URL'), which throws when it is unset: `prisma generate` needs no database
    // and must work on a fresh clone.
    url: process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/signup',
  },
});
