import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv-cell.ts';

describe('csvCell', () => {
  it('escapes cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil.example")')).toBe(`"'=HYPERLINK(""http://evil.example"")"`);
    for (const formula of ['+1', '-1+2', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(formula)).toMatch(/^"?'/);
  });

  it('quotes what RFC 4180 needs quoted, and leaves plain text and numbers alone', () => {
    expect(csvCell('Ada, Countess')).toBe('"Ada, Countess"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain@example.com')).toBe('plain@example.com');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvLine([2, 'a@example.com', null])).toBe('2,a@example.com,\r\n');
  });
});
