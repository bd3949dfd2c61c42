// The built app's processes as production runs them (`npm start`, `npm run worker`), for the tools
// that need them ready before they go on: the bench and the fault run.
import { webArgs, workerArgs } from './app-commands.ts';
import type { ProcessOptions, SupervisedProcess, Supervisor } from './supervisor.ts';

type AppProcessOptions = ProcessOptions & { root: string };

// A process started while the database restarts (the fault run) waits for it: allow for that.
const readyTimeoutMs = 90_000;

/** `next start` on 127.0.0.1:`port`, once its health check answers 200. */
export async function startWeb(
  supervisor: Supervisor,
  name: string,
  port: number,
  { root, ...options }: AppProcessOptions,
): Promise<SupervisedProcess> {
  const web = supervisor.start(name, process.execPath, webArgs(root, { hostname: '127.0.0.1', port }), options);
  await web.waitForUrl(`http://127.0.0.1:${port}/api/health`, readyTimeoutMs);
  return web;
}

/** One worker, once it has said it is ready. */
export async function startWorker(
  supervisor: Supervisor,
  name: string,
  { root, ...options }: AppProcessOptions,
): Promise<SupervisedProcess> {
  const worker = supervisor.start(name, process.execPath, workerArgs(root), options);
  await worker.waitForLine(/"worker ready"/, readyTimeoutMs);
  return worker;
}
