// `npm run api-keys -- create NAME` makes a key for an uploader and prints it, once: only its hash is
// kept. `npm run api-keys -- list` shows the keys (never a key itself), `npm run api-keys -- revoke
// NAME` refuses its requests from now on (its imports stay and finish). Uses DATABASE_URL.
import { z } from 'zod';
import { loadConfig } from '../lib/config/config.server.ts';
import { createDatabase } from '../lib/db/database.server.ts';
import { apiKeyNameSchema, createApiKey, listApiKeys, revokeApiKey } from '../lib/imports/api-keys.server.ts';

const commandSchema = z.union([
  z.tuple([z.literal('create'), apiKeyNameSchema]),
  z.tuple([z.literal('list')]),
  z.tuple([z.literal('revoke'), apiKeyNameSchema]),
]);

const parsed = commandSchema.safeParse(process.argv.slice(2));
if (!parsed.success) {
  console.error('Usage: npm run api-keys -- create NAME | list | revoke NAME');
  console.error('A key name is 1 to 64 letters, digits, dots, dashes or underscores.');
  process.exit(2);
}

const db = createDatabase(loadConfig().databaseUrl);
try {
  const command = parsed.data;
  switch (command[0]) {
    case 'create': {
      const created = await createApiKey(db, command[1]);
      if (created.status === 'name-taken') {
        console.error(`A key named ${command[1]} exists already (a revoked key keeps its name); pick another name.`);
        process.exitCode = 1;
        break;
      }
      console.error(`Key ${created.name} created. It is shown this once; store it where the uploader reads it:`);
      console.log(created.key);
      break;
    }
    case 'list': {
      const keys = await listApiKeys(db);
      if (keys.length === 0) console.log('No keys yet: npm run api-keys -- create NAME');
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        console.log(`${key.name}  created ${key.createdAt.toISOString()}  ${state}  ${key.imports} import(s)`);
      }
      break;
    }
    case 'revoke': {
      const revoked = await revokeApiKey(db, command[1]);
      console.log(revoked === 'revoked' ? `Key ${command[1]} revoked.` : `No active key named ${command[1]}.`);
      if (revoked !== 'revoked') process.exitCode = 1;
      break;
    }
  }
} finally {
  await db.$disconnect();
}
