/** Answers the CLI's JSON-RPC requests with Prisma's schema engine compiled to WebAssembly. */
import { readFileSync } from 'node:fs';
import type {
  DiffParams,
  EvaluateDataLossInput,
  GetDatabaseVersionInput,
  SchemaEngine,
} from '@prisma/schema-engine-wasm/schema_engine_bg';
import { createAdapterFactory } from './adapter.ts';
import { checkConnection } from './database.ts';
import { loadSchemaEngine } from './load-wasm.ts';
import type { Handler, Print } from './rpc.ts';

/** `datasource` from prisma.config.ts, as the CLI passes it in `--datasource`. */
export type Datasource = { url?: string; shadowDatabaseUrl?: string };

/** Methods the CLI calls that the wasm engine takes and answers exactly as the native one. */
const unchanged = new Set<string>([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
] satisfies (keyof SchemaEngine)[]);

export function createHandler(schemaPaths: string[], datasource: Datasource): Handler {
  const { bindings, panic } = loadSchemaEngine();
  let engine: Promise<SchemaEngine> | undefined;
  return (method, params, print) => {
    engine ??= openEngine(bindings.SchemaEngine, schemaPaths, datasource);
    return Promise.race([panic, engine.then((wasm) => call(wasm, method, params, print))]);
  };
}

async function call(wasm: SchemaEngine, method: string, params: unknown, print: Print): Promise<unknown> {
  if (method === 'diff') {
    const result = await wasm.diff(params as DiffParams);
    // The native engine returns no stdout: it sends the diff to the CLI as a `print` request, the
    // only output the CLI shows.
    if (result.stdout) print(result.stdout.replace(/\n$/, ''));
    return { exitCode: result.exitCode, stdout: null };
  }
  if (method === 'getDatabaseVersion') return wasm.version(params as GetDatabaseVersionInput);
  if (method === 'evaluateDataLoss' || method === 'createMigration') {
    // Both read the schema the migrations produce from a cache that only devDiagnostic fills with
    // a shadow database; on a miss the wasm engine fails ("PostgreSQL shadow DB must be provided
    // through an external factory"). The CLI's own devDiagnostic at the start of `migrate dev`
    // does not cover migrations that `migrate dev` applies after it.
    const { migrationsList, filters } = params as EvaluateDataLossInput;
    await wasm.devDiagnostic({ migrationsList, filters });
  }
  if (unchanged.has(method)) {
    return (wasm[method as keyof SchemaEngine] as (params: unknown) => Promise<unknown>).call(wasm, params);
  }
  throw new Error(`The schema engine in prisma/schema-engine does not implement \`${method}\`.`);
}

async function openEngine(
  Engine: typeof SchemaEngine,
  schemaPaths: string[],
  { url, shadowDatabaseUrl }: Datasource,
): Promise<SchemaEngine> {
  if (!url) throw new Error('No datasource URL: set `datasource.url` in prisma.config.ts.');
  if (shadowDatabaseUrl) {
    throw new Error(
      'prisma/schema-engine does not support `shadowDatabaseUrl`: remove it, a temporary shadow database is created on the main server.',
    );
  }
  const datamodels = schemaPaths.map((path): [string, string] => [path, readFileSync(path, 'utf8')]);
  try {
    return await Engine.new(
      // Without --datamodels (migrate diff), an empty list makes the engine panic.
      { datamodels: datamodels.length > 0 ? datamodels : undefined },
      (line: string) => process.stderr.write(line),
      createAdapterFactory(url),
    );
  } catch (error) {
    // The wasm engine's connection errors carry no error code: report the native engine's.
    await checkConnection(url);
    throw error;
  }
}
