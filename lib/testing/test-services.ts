import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type Database } from '../database.server.ts';
import { createBoss, startBoss } from '../queue/boss.server.ts';
import { createRateLimits, type RateLimits } from '../rate-limit/rate-limits.server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export type TestServices = { url: string; db: Database; boss: PgBoss; limits: RateLimits };

/**
 * The web tier's services on a database of the test file's own: made before the file's tests, which
 * get them through `receive`, and closed after them.
 */
export function withTestServices(receive: (services: TestServices) => void): void {
  let database: TestDatabase;
  let services: TestServices;
  beforeAll(async () => {
    database = await createTestDatabase();
    services = {
      url: database.url,
      db: createDatabase(database.url),
      boss: await startBoss(createBoss(database.url, 'web')),
      limits: createRateLimits(database.url, { signupsPerMinute: 60, signupsPerClientPer10Minutes: 20 }),
    };
    receive(services);
  });
  afterAll(async () => {
    await services.limits.close();
    await services.boss.stop({ graceful: false });
    await services.db.$disconnect();
    await database.drop();
  });
}
