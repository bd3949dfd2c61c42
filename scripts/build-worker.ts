// `npm run build`'s second half: the worker as one JavaScript file (see ADR 032).
import path from 'node:path';
import { build } from 'esbuild';
import { workerBundle } from './local-stack/app-commands.ts';

/** Bundles worker/main.ts and the lib/ code it imports; packages stay in node_modules. */
export async function buildWorker(root: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ['worker/main.ts'],
    outfile: workerBundle(root),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (import.meta.main) {
  const root = path.resolve(import.meta.dirname, '..');
  await buildWorker(root);
  console.log(`Built the worker: ${workerBundle(root)}`);
}
