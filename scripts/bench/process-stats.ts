import { readFile } from 'node:fs/promises';

export type ProcessStats = { peakRssBytes: number; cpuMs: number };

// USER_HZ, the unit of /proc/PID/stat's CPU times: 100 on every Linux that Node supports.
const clockTicksPerSecond = 100;

/**
 * What the kernel has counted for one live process: its peak resident memory (VmHWM, the high-water
 * mark, so no sampling can miss a peak) and the CPU time it has used. Linux only.
 */
export async function readProcessStats(pid: number): Promise<ProcessStats> {
  const [status, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
  ]);
  const peakKb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  // The fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, so 12 and 13 of what follows the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (peakKb === undefined || !Number.isFinite(ticks)) throw new Error(`cannot read the statistics of process ${pid}`);
  return { peakRssBytes: Number(peakKb) * 1024, cpuMs: (ticks * 1000) / clockTicksPerSecond };
}
