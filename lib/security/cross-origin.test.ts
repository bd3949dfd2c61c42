import { describe, expect, it } from 'vitest';
import { isCrossOrigin } from './cross-origin.ts';

const crossOrigin = (headers: Record<string, string>) => isCrossOrigin(new Headers(headers));

describe('isCrossOrigin', () => {
  it('accepts an Origin naming the Host, port included', () => {
    expect(crossOrigin({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' })).toBe(false);
    expect(crossOrigin({ origin: 'https://example.com', host: 'example.com' })).toBe(false);
  });

  it('refuses another host, another port, or no host to compare with', () => {
    expect(crossOrigin({ origin: 'https://attacker.example', host: 'example.com' })).toBe(true);
    expect(crossOrigin({ origin: 'http://127.0.0.1:3001', host: '127.0.0.1:3000' })).toBe(true);
    expect(crossOrigin({ origin: 'https://example.com' })).toBe(true);
  });

  it('compares with the first X-Forwarded-Host when a proxy set one, else with Host', () => {
    const forwarded = { host: 'app.internal:3000', 'x-forwarded-host': 'example.com, app.internal:3000' };
    expect(crossOrigin({ ...forwarded, origin: 'https://example.com' })).toBe(false);
    expect(crossOrigin({ ...forwarded, origin: 'http://app.internal:3000' })).toBe(true);
    expect(crossOrigin({ host: 'example.com', 'x-forwarded-host': '', origin: 'https://example.com' })).toBe(false);
  });

  it('refuses the opaque origin "null" and a malformed Origin', () => {
    expect(crossOrigin({ origin: 'null', host: 'example.com' })).toBe(true);
    expect(crossOrigin({ origin: 'not a url', host: 'example.com' })).toBe(true);
  });

  it('has nothing to compare without an Origin', () => {
    expect(crossOrigin({ host: 'example.com' })).toBe(false);
  });
});
