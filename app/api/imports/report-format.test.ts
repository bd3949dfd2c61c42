import { describe, expect, it } from 'vitest';
import { reportFormatFor } from './report-format.ts';

describe('reportFormatFor', () => {
  it('answers JSON unless the client prefers CSV', () => {
    expect(reportFormatFor(null)).toBe('json');
    expect(reportFormatFor('*/*')).toBe('json');
    expect(reportFormatFor('application/json')).toBe('json');
    expect(reportFormatFor('text/csv')).toBe('csv');
    expect(reportFormatFor('text/csv, application/json;q=0.5')).toBe('csv');
    expect(reportFormatFor('application/json;q=0.4, text/*')).toBe('csv');
    expect(reportFormatFor('text/csv;q=0.9, */*')).toBe('json');
  });

  it('has nothing for a client that takes neither', () => {
    expect(reportFormatFor('image/png')).toBeUndefined();
    expect(reportFormatFor('text/csv;q=0')).toBeUndefined();
  });
});
