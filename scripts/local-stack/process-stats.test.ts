import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { readMachineBusyCpuMs, readProcessStats, readProcessTreeCpuMs, restartPeakRss } from './process-stats.ts';

/** Keeps this thread busy until it has used `ms` more CPU time (wall time would vary with the machine's load). */
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const { user, system } = process.cpuUsage(start);
    if (user + system >= ms * 1000) return;
  }
}

const shells: ChildProcess[] = [];
afterEach(async () => {
  for (const shell of shells.splice(0)) {
    if (shell.exitCode !== null || shell.pid === undefined) continue;
    const exited = once(shell, 'exit');
    // The shell and its Node child: they share a process group of their own (detached).
    process.kill(-shell.pid, 'SIGKILL');
    await exited;
  }
});

/**
 * A shell whose Node child uses 300 ms of CPU, then ends (the shell waits for it) or stays, idle.
 * Resolves to the shell's pid once the child has used that CPU and, if it ends, has been waited for.
 */
async function shellWithChild(child: 'ended' | 'running'): Promise<number> {
  const script = `${burnCpu.toString()}; burnCpu(300); console.log("burnt"); ${child === 'running' ? 'setInterval(() => {}, 1000);' : ''}`;
  const node = `"${process.execPath}" -e '${script}'`;
  const command = child === 'ended' ? `${node}; echo ready; sleep 30` : `${node} & sleep 30`;
  const shell = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  shells.push(shell);
  const ready = child === 'ended' ? 'ready' : 'burnt';
  for await (const line of createInterface({ input: shell.stdout! })) if (line === ready) break;
  return shell.pid ?? 0;
}

describe('readProcessTreeCpuMs', () => {
  it("counts the CPU of a process's children, ended or running, which the process's own figure leaves out", async () => {
    for (const child of ['ended', 'running'] as const) {
      const pid = await shellWithChild(child);
      expect(await readProcessTreeCpuMs(pid)).toBeGreaterThanOrEqual(250);
      expect((await readProcessStats(pid)).cpuMs).toBeLessThan(100);
    }
  });
});

describe('readMachineBusyCpuMs', () => {
  it('grows by at least the CPU this process spends', async () => {
    const before = await readMachineBusyCpuMs();
    burnCpu(300);
    expect((await readMachineBusyCpuMs()) - before).toBeGreaterThanOrEqual(250);
  });
});

describe('restartPeakRss', () => {
  it('starts the peak afresh from the memory in use now, so a later allocation shows', async () => {
    const rss = await restartPeakRss(process.pid);
    const megabyte = 1024 * 1024;
    expect((await readProcessStats(process.pid)).peakRssBytes).toBeLessThan(rss + 32 * megabyte);
    const held = Buffer.alloc(96 * megabyte, 1);
    expect((await readProcessStats(process.pid)).peakRssBytes).toBeGreaterThanOrEqual(rss + 90 * megabyte);
    expect(held.length).toBe(96 * megabyte);
  });
});
