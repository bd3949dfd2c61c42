import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export type Child = {
  name: string;
  process: ChildProcess;
  /** Resolves once a line of its output matches, rejects if it exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
};

/**
 * Starts a Node script as a child whose output goes to `<logDir>/<name>.log` (the run's own output
 * stays a readable summary), killed with this process should that end first.
 */
export function startChild(
  name: string,
  args: string[],
  { cwd, env, logDir }: { cwd: string; env: NodeJS.ProcessEnv; logDir: string },
): Child {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const lines = createInterface({ input: child.stdout });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = once(child, 'exit').then(() => process.removeListener('exit', killOnExit));

  return {
    name,
    process: child,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${name} not ready within ${timeoutMs} ms`)), timeoutMs);
        const onLine = (line: string) => {
          if (pattern.test(line)) finish();
        };
        const onExit = () => finish(new Error(`${name} exited before it was ready; see ${name}.log`));
        const finish = (error?: Error) => {
          clearTimeout(timer);
          lines.off('line', onLine);
          child.off('exit', onExit);
          if (error) reject(error);
          else resolve();
        };
        lines.on('line', onLine);
        child.once('exit', onExit);
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
