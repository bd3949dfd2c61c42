import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type Database } from '../lib/db/database.server.ts';
import { createOutbox, type Outbox } from '../lib/email/outbox.server.ts';
import { jobs } from '../lib/job-registry.server.ts';
import { createBoss, startBoss } from '../lib/jobs/boss.server.ts';
import { createLogger } from '../lib/logging/logger.server.ts';
import { createRateLimits, type RateLimits } from '../lib/rate-limit/rate-limits.server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export type TestServices = { url: string; db: Database; boss: PgBoss; limits: RateLimits; outbox: Outbox };

const logger = createLogger('web');

/**
 * A database of the test file's own with a client on it: made before the file's tests, which get
 * them through `receive`, and dropped after them.
 */
export function withTestDatabase(receive: (database: { url: string; db: Database }) => void): void {
  let database: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    receive({ url: database.url, db });
  });
  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });
}

/**
 * The web tier's services (emails queued, as in production) on a database of the test file's own: made before the file's tests, which
 * get them through `receive`, and closed after them.
 */
export function withTestServices(receive: (services: TestServices) => void): void {
  let url: string;
  let db: Database;
  let services: TestServices;
  withTestDatabase((database) => ({ url, db } = database));
  // Vitest runs after-hooks in reverse: these close before the database is dropped.
  beforeAll(async () => {
    const boss = await startBoss(createBoss(url, 'web', logger), jobs);
    services = {
      url,
      db,
      boss,
      limits: createRateLimits(url, { signupsPerMinute: 60, signupsPerClientPer10Minutes: 20 }, logger),
      outbox: createOutbox({ db, boss }, { mode: 'deferred' }),
    };
    receive(services);
  });
  afterAll(async () => {
    await services.limits.close();
    await services.boss.stop({ graceful: false });
  });
}
