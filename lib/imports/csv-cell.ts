// A cell that a spreadsheet would read as a formula (OWASP's "CSV injection"): a leading =, +, -, @,
// tab or carriage return. Such a cell in a report is prefixed with a quote mark, which spreadsheets
// show as text; the reader sees the value as it was sent, and nothing runs.
const formulaStart = /^[=+\-@\t\r]/;

/** One field of a CSV report (RFC 4180): quoted when it must be, and never a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: (string | number | null)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
