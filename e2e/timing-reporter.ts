import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { summarize } from '../scripts/bench/distribution.ts';
import { signUpTimingAttachment, signUpTimingSchema, type SignUpTiming } from './sign-up-timing.ts';

const figures: { measure: SignUpTiming['measure']; label: string; counted: string }[] = [
  { measure: 'server-action-round-trip', label: 'server action round trip', counted: 'sign-ups' },
  { measure: 'sign-up-to-inbox', label: 'sign-up -> inbox', counted: 'emails' },
];

/**
 * Prints, at the end of a run, the sign-up timings the tests attached (e2e/sign-up-timing.ts), so
 * that they can be read from the run's output. Figures only: how fast the app was never fails a run.
 */
export default class TimingReporter implements Reporter {
  private readonly samples = new Map<SignUpTiming['measure'], number[]>();

  onTestEnd(_test: TestCase, result: TestResult): void {
    for (const attachment of result.attachments) {
      if (attachment.name !== signUpTimingAttachment || !attachment.body) continue;
      const { measure, ms } = signUpTimingSchema.parse(JSON.parse(attachment.body.toString('utf8')));
      const samples = this.samples.get(measure) ?? [];
      samples.push(ms);
      this.samples.set(measure, samples);
    }
  }

  onEnd(): void {
    // A run that signed nobody up through the browser has no figures to give, not figures of zero.
    if (this.samples.size === 0) return;
    const width = Math.max(...figures.map(({ label }) => label.length));
    const lines = figures.map(({ measure, label, counted }) => {
      const distribution = summarize(this.samples.get(measure) ?? []);
      const figure = distribution
        ? `p50 ${Math.round(distribution.p50)} ms, p95 ${Math.round(distribution.p95)} ms (${distribution.count} ${counted})`
        : `no samples`;
      return `  ${label.padEnd(width)}  ${figure}`;
    });
    console.log(
      [
        '',
        'Sign-up timings, each from the moment the browser sent the sign-up (e2e/sign-up-timing.ts):',
        ...lines,
      ].join('\n'),
    );
  }
}
