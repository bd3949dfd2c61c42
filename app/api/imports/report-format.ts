export type ReportFormat = 'json' | 'csv';

const offered: Record<string, ReportFormat> = { 'application/json': 'json', 'text/csv': 'csv' };

/**
 * The report's format by the request's Accept header (RFC 9110 §12.5.1): the offered type with the
 * highest q, JSON when the client takes either equally or sends no Accept, undefined (406) when it
 * takes neither.
 */
export function reportFormatFor(accept: string | null): ReportFormat | undefined {
  if (accept === null || accept.trim() === '') return 'json';
  let best: { format: ReportFormat; q: number; exact: boolean } | undefined;
  for (const range of accept.split(',')) {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParameter = parameters.find((parameter) => parameter.startsWith('q='));
    const q = qParameter ? Number(qParameter.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const matches =
      type === '*/*' ? ['json', 'csv'] : type === 'application/*' ? ['json'] : type === 'text/*' ? ['csv'] : [];
    const exact = offered[type];
    for (const format of (exact ? [exact] : matches) as ReportFormat[]) {
      const better = !best || q > best.q || (q === best.q && Boolean(exact) && !best.exact);
      if (better) best = { format, q, exact: Boolean(exact) };
    }
  }
  return best?.format;
}
