import { describe, expect, it } from 'vitest';
import { createStatementNamer } from './prepared-statement-names.ts';

describe('createStatementNamer', () => {
  it('names the same SQL alike and different SQL apart', () => {
    const nameOf = createStatementNamer(10);
    const select = nameOf({ sql: 'SELECT 1' });
    const insert = nameOf({ sql: 'INSERT INTO t VALUES ($1)' });
    expect(select).not.toBe('');
    expect(insert).not.toBe('');
    expect(insert).not.toBe(select);
    expect(nameOf({ sql: 'SELECT 1' })).toBe(select);
  });

  it('leaves statements unnamed past its limit, and keeps the names it gave', () => {
    const nameOf = createStatementNamer(2);
    const first = nameOf({ sql: 'SELECT 1' });
    const second = nameOf({ sql: 'SELECT 2' });
    expect(nameOf({ sql: 'SELECT 3' })).toBe('');
    expect(nameOf({ sql: 'SELECT 1' })).toBe(first);
    expect(nameOf({ sql: 'SELECT 2' })).toBe(second);
  });
});
