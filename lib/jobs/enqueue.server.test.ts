import type { PgBoss } from 'pg-boss';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.server.ts';
import { sendBulkEmailJob, sendEmailJob } from '../email/send-email-job.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { withTestServices } from '../../testing/test-services.ts';
import { jobInsertSql } from './enqueue.server.ts';

let db: Database;
let boss: PgBoss;
withTestServices((services) => ({ db, boss } = services));

describe('jobInsertSql', () => {
  it('queues a job per row of the query it is part of, with the payload built from its columns', async () => {
    const insert = await jobInsertSql(boss, sendEmailJob);
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    await db.$executeRaw`
      WITH rows AS (SELECT unnest(${ids}::uuid[]) AS id, 'confirm' AS kind),
      queued AS (${insert(Prisma.sql`SELECT id, kind FROM rows`, { deliveryId: Prisma.sql`id`, kind: Prisma.sql`kind` })})
      SELECT 1`;
    for (const deliveryId of ids) {
      const jobs = await boss.findJobs(sendEmailJob.name, { data: { deliveryId } });
      expect(jobs.map((job) => job.data)).toEqual([{ deliveryId, kind: 'confirm' }]);
    }
  });

  it('refuses a queue whose insert cannot be part of a statement (pg-boss notify)', async () => {
    await expect(jobInsertSql(boss, sendBulkEmailJob)).rejects.toThrow(/not one INSERT/);
  });
});
