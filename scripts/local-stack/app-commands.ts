import path from 'node:path';

// How production starts the web tier and a worker: package.json's `start` and `worker` scripts run
// these same arguments (a test keeps them in step), so the e2e suite, the fault run and the bench
// measure what production runs.
//
// V8 sizes its heap for the machine's memory: on a 24 GiB host it let the young generation grow to
// 128 MB and the old one run far past the live data before collecting, so under 8 concurrent
// sign-ups a web process peaked at ~500-660 MB and a worker at ~360 MB, mostly garbage. The caps
// below leave room above the live heap: a web process keeps ~70-100 MB live (zxcvbn's dictionaries
// are 27 MB of it) and ~150 MB at 256 concurrent connections, where a 128 MB cap cost 40% of its
// throughput to collection; a worker holds at most concurrency x batch size emails and ~40 MB.
const webHeapOptions = ['--max-semi-space-size=2', '--max-old-space-size=192'];
const workerHeapOptions = ['--max-semi-space-size=2', '--max-old-space-size=96'];
// react-server: `server-only` resolves to its no-op build outside Next.
const workerNodeOptions = ['--conditions=react-server', ...workerHeapOptions];

/** Node's arguments for `next start`, relative to `root` (the repository). */
export function webArgs(root: string, { hostname, port }: { hostname?: string; port?: number } = {}): string[] {
  return [
    ...webHeapOptions,
    path.join(root, 'node_modules/next/dist/bin/next'),
    'start',
    ...(hostname ? ['--hostname', hostname] : []),
    ...(port ? ['--port', String(port)] : []),
  ];
}

/**
 * What `npm run build` makes of worker/main.ts. A worker runs this bundle rather than its sources:
 * Node's type stripping holds ~20 MB per process (its WebAssembly compiler), a tenth of a worker's
 * memory (ADR 032).
 */
export const workerBundle = 'dist/worker/main.js';

/** What `npm run build` writes, one file per step (Next's build id, the worker's bundle). */
export const buildOutputs = ['.next/BUILD_ID', workerBundle];

/** Node's arguments for one worker process as production runs it (the build), relative to `root`. */
export function workerArgs(root: string): string[] {
  return [...workerNodeOptions, '--enable-source-maps', path.join(root, workerBundle)];
}

/** The same worker from its TypeScript sources, for `npm run dev`: no build step between edits. */
export function workerSourceArgs(root: string): string[] {
  return [...workerNodeOptions, path.join(root, 'worker/main.ts')];
}
