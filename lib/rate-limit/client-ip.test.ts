import { describe, expect, it } from 'vitest';
import { clientIpFrom } from './client-ip.ts';

const forwardedFor = { header: 'x-forwarded-for', hops: 1 };

describe('clientIpFrom', () => {
  it('trusts only the entry the nearest proxy wrote, not what the client put before it', () => {
    const headers = new Headers({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7' });
    expect(clientIpFrom(headers, forwardedFor)).toBe('203.0.113.7');
    expect(clientIpFrom(headers, { header: 'x-forwarded-for', hops: 2 })).toBe('6.6.6.6');
  });

  it('reads the configured header and no other', () => {
    const headers = new Headers({ 'x-real-ip': '198.51.100.1', 'x-forwarded-for': '6.6.6.6' });
    expect(clientIpFrom(headers, { header: 'x-real-ip', hops: 1 })).toBe('198.51.100.1');
  });

  it('keys IPv6 clients by their /64 and unwraps IPv4-mapped addresses', () => {
    const ip = (value: string) => clientIpFrom(new Headers({ 'x-forwarded-for': value }), forwardedFor);
    expect(ip('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ip('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(ip('::1')).toBe('0:0:0:0::/64');
    expect(ip('::ffff:192.0.2.5')).toBe('192.0.2.5');
  });

  it('answers unknown for a missing, short or malformed header', () => {
    expect(clientIpFrom(new Headers(), forwardedFor)).toBe('unknown');
    expect(clientIpFrom(new Headers({ 'x-forwarded-for': 'not-an-ip' }), forwardedFor)).toBe('unknown');
    expect(clientIpFrom(new Headers({ 'x-forwarded-for': '1.2.3.4' }), { header: 'x-forwarded-for', hops: 3 })).toBe(
      'unknown',
    );
  });
});
