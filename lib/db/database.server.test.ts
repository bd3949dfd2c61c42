import { describe, expect, it } from 'vitest';
import type { Database } from './database.server.ts';
import { withTestDatabase } from '../../testing/test-services.ts';

describe('createDatabase', () => {
  let db: Database;
  withTestDatabase((database) => ({ db } = database));

  it('has PostgreSQL prepare a statement once per connection and reuse it', async () => {
    // One transaction: one connection, whose prepared statements the view lists.
    const prepared = await db.$transaction(async (tx) => {
      for (let run = 0; run < 3; run += 1) await tx.$queryRaw`SELECT count(*) FROM users`;
      return tx.$queryRaw<{ statement: string }[]>`SELECT statement FROM pg_prepared_statements`;
    });
    expect(prepared.filter(({ statement }) => statement === 'SELECT count(*) FROM users')).toHaveLength(1);
  });
});
