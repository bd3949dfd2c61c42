#!/usr/bin/env node
/**
 * Stands in for Prisma's native `schema-engine` binary, which the CLI downloads from Prisma's
 * servers on first use. prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY here; the CLI runs
 *   main.ts [--datamodels <schema file>]... --datasource <json>                  (JSON-RPC server)
 *   main.ts --datasource <json> cli can-connect-to-database | create-database   (one-shot)
 *   main.ts --version
 * See docs/decisions/001-wasm-schema-engine.md.
 */
import { parseArgs } from 'node:util';
import { createDatabase, checkConnection } from './database.ts';
import { createHandler, type Datasource } from './engine.ts';
import { loadSchemaEngine } from './load-wasm.ts';
import { logError, logInfo } from './log.ts';
import { serve } from './rpc.ts';

const { values, positionals } = parseArgs({
  options: {
    datamodels: { type: 'string', multiple: true, default: [] },
    datasource: { type: 'string', default: '{}' },
    version: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const datasource = JSON.parse(values.datasource) as Datasource;

if (values.version) {
  console.log(`schema-engine-cli ${loadSchemaEngine().bindings.version()}`);
} else if (positionals[0] === 'cli') {
  process.exitCode = await runCliCommand(positionals[1], datasource.url);
} else if (positionals.length === 0) {
  await serve(createHandler(values.datamodels, datasource));
  // Open database pools would keep the process alive after the CLI closed stdin.
  process.exit();
} else {
  throw new Error(`Unknown arguments: ${positionals.join(' ')}`);
}

/** Exit status and log lines as the native engine's: the CLI reads the error code from stderr. */
async function runCliCommand(command: string | undefined, url: string | undefined): Promise<number> {
  logInfo('Starting schema engine CLI');
  try {
    if (!url) throw new Error('No datasource URL: set `datasource.url` in prisma.config.ts.');
    switch (command) {
      case 'can-connect-to-database':
        await checkConnection(url);
        logInfo('Connection successful');
        return 0;
      case 'create-database':
        logInfo(`Database '${await createDatabase(url)}' was successfully created.`);
        return 0;
      default:
        throw new Error(`Unknown cli command: ${command}`);
    }
  } catch (error) {
    logError(error);
    return 1;
  }
}
