import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** The annotation types the fixtures note timings under (fixtures.ts), in milliseconds. */
export const signUpResponseTiming = 'timing: sign-up response';
export const signUpToInboxTiming = 'timing: sign-up to inbox';

const labels: Record<string, string> = {
  [signUpResponseTiming]: "sign-up response (the server action's round trip, as the browser timed it)",
  [signUpToInboxTiming]: 'sign-up answered → email in the inbox (as the test saw it, polling every 20 ms)',
};

/**
 * Prints, at the end of a run, the sign-up times the browser saw: a suite that watches response
 * time finds them in its output, not in attachments. Figures, not assertions: a busy machine moves
 * them, so no test fails on them (the benchmark holds the targets).
 */
export default class TimingReporter implements Reporter {
  private readonly timings = new Map<string, number[]>();

  onTestEnd(_test: TestCase, result: TestResult): void {
    for (const { type, description } of result.annotations) {
      if (!(type in labels) || description === undefined) continue;
      this.timings.set(type, [...(this.timings.get(type) ?? []), Number(description)]);
    }
  }

  onEnd(): void {
    if (this.timings.size === 0) return;
    console.log('\nSign-up timings in this run:');
    for (const [type, label] of Object.entries(labels)) {
      const sorted = (this.timings.get(type) ?? []).sort((a, b) => a - b);
      if (sorted.length === 0) continue;
      const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
      console.log(`  ${label}: p50 ${Math.round(at(0.5))} ms, p95 ${Math.round(at(0.95))} ms, of ${sorted.length}`);
    }
  }

  printsToStdio(): boolean {
    return false;
  }
}
