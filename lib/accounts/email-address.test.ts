import { describe, expect, it } from 'vitest';
import { parseEmailAddress } from './email-address.ts';

describe('parseEmailAddress', () => {
  it('trims and lower-cases, so one mailbox has one account', () => {
    expect(parseEmailAddress('  MiXeD@Example.Org\t')).toEqual({ address: 'mixed@example.org' });
  });

  it('stores an international domain in its ASCII form', () => {
    expect(parseEmailAddress('Ada@Bücher.example')).toEqual({ address: 'ada@xn--bcher-kva.example' });
    expect(parseEmailAddress('ada@xn--bcher-kva.example')).toEqual({ address: 'ada@xn--bcher-kva.example' });
    expect(parseEmailAddress('ada@ｅｘａｍｐｌｅ.com')).toEqual({ address: 'ada@example.com' });
  });

  it('accepts the characters RFC 5322 allows in a dot-atom', () => {
    expect(parseEmailAddress("o'brien+news@example.co.uk")).toEqual({ address: "o'brien+news@example.co.uk" });
    expect(parseEmailAddress('first.last@sub-domain.example.com')).toEqual({
      address: 'first.last@sub-domain.example.com',
    });
  });

  it('applies the RFC 5321 length limits', () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.com`;
    expect(parseEmailAddress(`${'a'.repeat(64)}@example.com`)).toHaveProperty('address');
    expect(parseEmailAddress(`${'a'.repeat(65)}@example.com`)).toEqual({ problem: 'too-long' });
    expect(parseEmailAddress(`${'a'.repeat(64)}@${domain}`)).toEqual({ problem: 'too-long' });
    expect(parseEmailAddress(`a@${'l'.repeat(64)}.com`)).toEqual({ problem: 'invalid' });
  });

  it.each([
    ['a display name', 'Ada <ada@example.com>'],
    ['a CR/LF header injection', 'ada@example.com\r\nBcc: victim@example.com'],
    ['a bare LF', 'ada@example.com\nx'],
    ['two at signs', 'ada@evil@example.com'],
    ['a quoted local part', '"ada lovelace"@example.com'],
    ['a UTF-8 local part', 'adä@example.com'],
    ['leading, trailing and double dots', '.ada@example.com'],
    ['consecutive dots', 'ada..l@example.com'],
    ['an IP literal', 'ada@[127.0.0.1]'],
    ['an IP address as domain', 'ada@127.0.0.1'],
    ['a host without a dot', 'ada@localhost'],
    ['a port', 'ada@example.com:25'],
    ['a path', 'ada@example.com/x'],
    ['a comment', 'ada(comment)@example.com'],
    ['an SQL fragment', "'; DROP TABLE users; --@example.com"],
    ['a label starting with a hyphen', 'ada@-example.com'],
    ['a numeric top-level domain', 'ada@example.123'],
    ['a percent-encoded host', 'ada@ex%61mple.com'],
    ['no local part', '@example.com'],
    ['no domain', 'ada@'],
  ])('refuses %s', (_, input) => {
    expect(parseEmailAddress(input)).toEqual({ problem: 'invalid' });
  });

  it('reports an empty address as missing', () => {
    expect(parseEmailAddress('   ')).toEqual({ problem: 'missing' });
  });
});
