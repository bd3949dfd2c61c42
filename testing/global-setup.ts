import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../scripts/local-stack/embedded-database.ts';
import { findFreePort } from '../scripts/local-stack/ports.ts';
import { jobs } from '../lib/job-registry.server.ts';
import { createBoss, startBoss } from '../lib/jobs/boss.server.ts';
import { createLogger } from '../lib/logging/logger.server.ts';
import { databaseUrlFor, runAdmin } from './test-database.ts';

const templateDatabase = 'signup_test_template';

/**
 * One PostgreSQL for the whole run (embedded, or the server DATABASE_URL names) and one template
 * database on it, migrated and with pg-boss installed, that each test file copies.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let adminUrl = process.env.DATABASE_URL;
  let stopDatabase = async () => {};
  if (!adminUrl) {
    const database = await startEmbeddedDatabase({
      dataDir: await mkdtemp(path.join(tmpdir(), 'signup-test-pg-')),
      port: await findFreePort(),
      persistent: false,
    });
    adminUrl = database.urlFor('postgres');
    stopDatabase = database.stop;
  }

  const templateUrl = databaseUrlFor(adminUrl, templateDatabase);
  await runAdmin(adminUrl, `DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
  await runAdmin(adminUrl, `CREATE DATABASE ${templateDatabase}`);
  await promisify(execFile)(process.execPath, ['node_modules/.bin/prisma', 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: templateUrl },
  });
  const boss = await startBoss(createBoss(templateUrl, 'web', createLogger('ops')), jobs);
  await boss.stop({ graceful: false });

  project.provide('databaseAdminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    await runAdmin(adminUrl, `DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    await stopDatabase();
  };
}
