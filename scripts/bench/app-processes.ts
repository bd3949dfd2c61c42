import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { webArgs, workerArgs } from '../local-stack/app-commands.ts';
import { readProcessStats, type ProcessStats } from './process-stats.ts';

export type AppProcess = {
  name: string;
  pid: number;
  stats(): Promise<ProcessStats>;
  /** SIGTERM, as a process manager would; SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
};

type StartOptions = { root: string; env: NodeJS.ProcessEnv; logDir: string };

const running = new Set<ChildProcess>();
// A bench that crashes or is interrupted must not leave servers behind.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The built app as production runs it (`next start`), once it answers a page. */
export async function startWeb(port: number, options: StartOptions): Promise<AppProcess> {
  const web = spawnApp('web', webArgs(options.root, { hostname: '127.0.0.1', port }), options);
  const ready = (async () => {
    while (isRunning(web.child)) {
      const answered = await fetch(`http://127.0.0.1:${port}/signup`).then(
        (response) => response.ok,
        () => false,
      );
      if (answered) return;
      await delay(100);
    }
  })();
  await untilReady(web, ready);
  return web.handle;
}

/** `count` worker processes, run as production runs them, once each has said it is ready. */
export function startWorkers(count: number, options: StartOptions): Promise<AppProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const worker = spawnApp(`worker-${index + 1}`, workerArgs(options.root), options);
      const ready = new Promise<void>((resolve) => {
        createInterface({ input: worker.child.stdout! }).on('line', (line) => {
          if (line.includes('"worker ready"')) resolve();
        });
      });
      await untilReady(worker, ready);
      return worker.handle;
    }),
  );
}

function spawnApp(name: string, args: string[], { root, env, logDir }: StartOptions) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  // Kept for a look afterwards; the bench's own output stays readable.
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;

  const handle: AppProcess = {
    name,
    pid,
    stats: () => readProcessStats(pid),
    async stop(graceMs = 35_000) {
      if (!isRunning(child)) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return { child, handle };
}

type App = ReturnType<typeof spawnApp>;

function untilReady({ child, handle }: App, ready: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`${handle.name} exited before it was ready (${signal ?? `exit code ${code}`}); see its log.`));
    child.once('exit', onExit);
    void ready.then(() => {
      child.off('exit', onExit);
      resolve();
    });
  });
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
