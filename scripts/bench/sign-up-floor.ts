import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sendEmailJob } from '../../lib/email/send-email-job.ts';
import type { WebServices } from '../../lib/services.server.ts';
import { hashPassword } from '../../lib/accounts/password.server.ts';
import { saveUserAndQueueEmail } from '../../lib/accounts/register-user.server.ts';
import { summarize, type Distribution } from './distribution.ts';

export type SignupFloor = {
  cores: number;
  /** One argon2id hash at the app's parameters, nothing else running in this process. */
  hashMs: Distribution;
  /** Each hash while as many run at once as there are cores: what a loaded server sees at best. */
  hashOnAllCoresMs: Distribution;
  /**
   * The CPU each hash took, as the kernel counted this process's threads: alone, and as many at once
   * as there are cores. Two memory-hard hashes share the caches and the memory bus, so each takes
   * more CPU than one alone; this is the part of the web process's CPU per sign-up that no change of
   * its own can cut.
   */
  hashCpuMs: { alone: number; onAllCores: number };
  /** The sign-up's transaction (insert the user, enqueue the job, commit), without the hash. */
  transactionMs: Distribution;
};

/**
 * Profiles the two things a deferred sign-up cannot avoid, with the app's own code: what is left of a
 * sign-up's latency above their sum is the web framework, HTTP and waiting for the CPU.
 */
export async function measureSignupFloor(
  services: Pick<WebServices, 'db' | 'boss' | 'outbox'>,
  samples: number,
): Promise<SignupFloor> {
  const cores = availableParallelism();
  const password = 'bench password 1234';
  await timeEach(3, () => hashPassword(password)); // JIT and the thread pool warm up.
  let cpuBefore = process.cpuUsage();
  const hashMs = await timeEach(samples, () => hashPassword(password));
  const aloneCpuMs = cpuMsSince(cpuBefore) / samples;
  cpuBefore = process.cpuUsage();
  const hashOnAllCoresMs = (
    await Promise.all(Array.from({ length: cores }, () => timeEach(samples, () => hashPassword(password))))
  ).flat();
  const onAllCoresCpuMs = cpuMsSince(cpuBefore) / hashOnAllCoresMs.length;

  const passwordHash = await hashPassword(password);
  let count = 0;
  const saveNext = () => {
    count += 1;
    return saveUserAndQueueEmail(services, { email: `floor-${count}@bench.example`, password }, passwordHash);
  };
  await timeEach(10, saveNext);
  const transactionMs = await timeEach(samples * 5, saveNext);
  // No worker runs yet; the emails of these made-up users must not be sent into later measurements.
  await services.boss.deleteQueuedJobs(sendEmailJob.name);

  return {
    cores,
    hashMs: summarize(hashMs)!,
    hashOnAllCoresMs: summarize(hashOnAllCoresMs)!,
    hashCpuMs: { alone: aloneCpuMs, onAllCores: onAllCoresCpuMs },
    transactionMs: summarize(transactionMs)!,
  };
}

/** This process's CPU, all of its threads (the hashes run on libuv's pool), since `before`. */
function cpuMsSince(before: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000;
}

async function timeEach(times: number, action: () => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let run = 0; run < times; run += 1) {
    const startedAt = performance.now();
    await action();
    durations.push(performance.now() - startedAt);
  }
  return durations;
}
