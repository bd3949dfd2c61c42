import { findRun, type SignupMode, type SignupRun } from './bench-results.ts';

const width = 760;
const height = 430;
const margin = { top: 64, right: 20, bottom: 92, left: 72 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

// Shades per mode, darkest for the lowest concurrency.
const shades: Record<SignupMode, string[]> = {
  deferred: ['#1d4ed8', '#60a5fa', '#93c5fd', '#bfdbfe'],
  'in-request': ['#c2410c', '#fb923c', '#fdba74', '#fed7aa'],
};
const modeLabel: Record<SignupMode, string> = { deferred: 'deferred', 'in-request': 'baseline: send in request' };

/**
 * A grouped bar chart as standalone SVG: one group per SMTP latency, one bar per mode and concurrency,
 * its height the p95 sign-up latency and a white line at the p50. The axis is logarithmic, since the
 * two modes differ by orders of magnitude.
 */
export function renderLatencyChart(runs: readonly SignupRun[]): string {
  const measured = runs.filter((run) => run.latencyMs !== undefined);
  const latencies = [...new Set(measured.map((run) => run.smtpLatencyMs))].sort((a, b) => a - b);
  const series = [...new Set(measured.map((run) => `${run.mode}|${run.connections}`))]
    .map((key) => {
      const [mode, connections] = key.split('|') as [SignupMode, string];
      return { mode, connections: Number(connections) };
    })
    .sort((a, b) => (a.mode === b.mode ? a.connections - b.connections : a.mode === 'deferred' ? -1 : 1));
  const colour = (mode: SignupMode, connections: number) => {
    const ofMode = series.filter((entry) => entry.mode === mode);
    const palette = shades[mode];
    return palette[ofMode.findIndex((entry) => entry.connections === connections) % palette.length] ?? palette[0];
  };

  const values = measured.flatMap((run) => [run.latencyMs!.p50, run.latencyMs!.p95]);
  // A decade below the smallest value, so that no bar is flat.
  const low = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...values) * 0.9)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const y = (ms: number) =>
    round(margin.top + plotHeight - (Math.log10(Math.max(ms, low) / low) / Math.log10(high / low)) * plotHeight);

  const parts: string[] = [];
  for (let tick = low; tick <= high; tick *= 10) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e7eb"/>`,
      `<text x="${margin.left - 8}" y="${y(tick) + 4}" text-anchor="end">${formatMs(tick)} ms</text>`,
    );
  }

  const groupWidth = plotWidth / Math.max(1, latencies.length);
  const barWidth = Math.min(56, (groupWidth * 0.8) / Math.max(1, series.length));
  latencies.forEach((latency, group) => {
    const groupStart = margin.left + group * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach(({ mode, connections }, index) => {
      const run = findRun(measured, mode, latency, connections);
      if (!run?.latencyMs) return;
      const x = round(groupStart + index * barWidth);
      const top = y(run.latencyMs.p95);
      const middle = y(run.latencyMs.p50);
      parts.push(
        `<rect x="${x + 2}" y="${top}" width="${barWidth - 4}" height="${margin.top + plotHeight - top}" fill="${colour(mode, connections)}"><title>${escapeXml(`${modeLabel[mode]}, ${connections} concurrent, SMTP ${latency} ms: p50 ${formatMs(run.latencyMs.p50)} ms, p95 ${formatMs(run.latencyMs.p95)} ms`)}</title></rect>`,
        `<line x1="${x + 4}" x2="${x + barWidth - 4}" y1="${middle}" y2="${middle}" stroke="#fff" stroke-width="2"/>`,
        `<text x="${x + barWidth / 2}" y="${top - 4}" text-anchor="middle" font-size="10">${formatMs(run.latencyMs.p95)}</text>`,
      );
    });
    parts.push(
      `<text x="${margin.left + group * groupWidth + groupWidth / 2}" y="${margin.top + plotHeight + 18}" text-anchor="middle">SMTP latency ${latency} ms</text>`,
    );
  });

  series.forEach(({ mode, connections }, index) => {
    const column = index % 2;
    const row = Math.floor(index / 2);
    const x = margin.left + column * (plotWidth / 2);
    const legendY = height - margin.bottom + 40 + row * 18;
    parts.push(
      `<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${colour(mode, connections)}"/>`,
      `<text x="${x + 18}" y="${legendY}">${escapeXml(`${modeLabel[mode]}, ${connections} concurrent`)}</text>`,
    );
  });

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12" fill="#111">
<rect width="${width}" height="${height}" fill="#fff"/>
<text x="${margin.left}" y="24" font-size="15" font-weight="600">Sign-up latency by SMTP latency (POST /api/users)</text>
<text x="${margin.left}" y="44" fill="#555">Bar: p95, white line: p50; lower is better. Logarithmic scale.</text>
<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#9ca3af"/>
${parts.join('\n')}
</svg>
`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : ms.toFixed(0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char);
}
