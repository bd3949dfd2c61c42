import { readdir, readFile, writeFile } from 'node:fs/promises';

export type ProcessStats = { peakRssBytes: number; cpuMs: number };

// USER_HZ, the unit of /proc's CPU times: 100 on every Linux that Node supports.
const clockTicksPerSecond = 100;
const ticksToMs = (ticks: number) => (ticks * 1000) / clockTicksPerSecond;

/**
 * What the kernel has counted for one live process: its peak resident memory (VmHWM, the high-water
 * mark, so no sampling can miss a peak) and the CPU time it has used. Linux only.
 */
export async function readProcessStats(pid: number): Promise<ProcessStats> {
  const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readStat(pid)]);
  const peakKb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (peakKb === undefined || stat === undefined) throw new Error(`cannot read the statistics of process ${pid}`);
  return { peakRssBytes: Number(peakKb) * 1024, cpuMs: ticksToMs(stat.ticks) };
}

/**
 * A live process's resident memory now, after starting its high-water mark afresh from there (Linux's
 * clear_refs, as root or the process's owner): the peak readProcessStats reports next is the peak of
 * what happened since, such as one large request.
 */
export async function restartPeakRss(pid: number): Promise<number> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
  const rssKb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (rssKb === undefined) throw new Error(`cannot read the memory of process ${pid}`);
  return Number(rssKb) * 1024;
}

/**
 * CPU time used by a process and its children, those that ended included: for PostgreSQL's
 * postmaster, the whole server (a backend's time moves to the postmaster when it exits). Only
 * children of the process itself, which is all PostgreSQL has.
 */
export async function readProcessTreeCpuMs(pid: number): Promise<number> {
  const root = await readStat(pid);
  if (root === undefined) throw new Error(`cannot read the statistics of process ${pid}`);
  const others = await Promise.all(
    (await readdir('/proc'))
      .filter((name) => /^\d+$/.test(name) && name !== String(pid))
      .map((name) => readStat(Number(name))),
  );
  const children = others.filter((stat) => stat?.parentPid === pid);
  return ticksToMs(root.ticks + root.endedChildrenTicks + children.reduce((sum, stat) => sum + (stat?.ticks ?? 0), 0));
}

/** CPU time the whole machine has spent busy (all cores, anything but idle, I/O wait and steal). */
export async function readMachineBusyCpuMs(): Promise<number> {
  const cpuLine = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq] = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  const busy = [user, nice, system, irq, softirq].reduce<number>((sum, ticks) => sum + (ticks ?? Number.NaN), 0);
  if (!Number.isFinite(busy)) throw new Error('cannot read the CPU times of the machine');
  return ticksToMs(busy);
}

type Stat = { parentPid: number; ticks: number; endedChildrenTicks: number };

/** /proc/PID/stat, or undefined for a process that has ended meanwhile. */
async function readStat(pid: number): Promise<Stat | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The fields after the command name, which is in parentheses and may itself contain spaces: from
  // the state (index 0), the parent is at 1 and utime, stime, cutime and cstime at 11 to 14.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const field = (index: number) => fields[index] ?? Number.NaN;
  const parsed = { parentPid: field(1), ticks: field(11) + field(12), endedChildrenTicks: field(13) + field(14) };
  return Object.values(parsed).every(Number.isFinite) ? parsed : undefined;
}
