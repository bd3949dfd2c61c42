// `npm run dead-letters` lists the jobs that gave up (emails refused for good or out of retries);
// `npm run dead-letters -- replay` sends them all back to their queues, `... replay <job id> ...`
// only those. Uses DATABASE_URL.
import { loadConfig } from '../lib/config/config.server.ts';
import { createDatabase } from '../lib/db/database.server.ts';
import { jobs } from '../lib/job-registry.server.ts';
import { createBoss, startBoss } from '../lib/jobs/boss.server.ts';
import { listDeadLetters, replayDeadLetters } from '../lib/jobs/dead-letters.server.ts';
import { createLogger } from '../lib/logging/logger.server.ts';

const [command = 'list', ...jobIds] = process.argv.slice(2);
if (command !== 'list' && command !== 'replay') {
  console.error('Usage: npm run dead-letters [-- list | -- replay [job id ...]]');
  process.exit(2);
}

const config = loadConfig();
const db = createDatabase(config.databaseUrl);
const boss = await startBoss(createBoss(config.databaseUrl, 'web', createLogger('ops')), jobs);
try {
  if (command === 'list') {
    const letters = await listDeadLetters(boss, jobs);
    console.log(`${letters.length} dead letter(s)`);
    for (const letter of letters) {
      console.log(
        `${letter.jobId}  ${letter.queue} ${JSON.stringify(letter.payload)}  since ${letter.deadSince.toISOString()}  ${letter.reason}`,
      );
    }
  } else {
    const moved = await replayDeadLetters({ db, boss }, jobs, jobIds.length > 0 ? jobIds : undefined);
    console.log(`${moved} dead letter(s) sent back to their queues`);
  }
} finally {
  await boss.stop({ graceful: false });
  await db.$disconnect();
}
