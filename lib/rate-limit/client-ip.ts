import { isIPv4, isIPv6 } from 'node:net';

export type ClientIpSource = {
  /** The header the reverse proxy in front of the app sets, lower-case, e.g. `x-forwarded-for` or `x-real-ip`. */
  header: string;
  /** How many proxies appended to that header: the client is this many entries from its right end. */
  hops: number;
};

/**
 * The client's address as the trusted proxy saw it, or 'unknown'. Only the entry the nearest
 * proxies wrote is trusted: anything further left came from the client and could be anything.
 * IPv6 clients are keyed by their /64, since one subscriber commonly holds a whole /64.
 */
export function clientIpFrom(headers: Headers, { header, hops }: ClientIpSource): string {
  const entries = (headers.get(header) ?? '').split(',').map((entry) => entry.trim());
  const candidate = entries[entries.length - hops] ?? '';
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(candidate)?.[1];
  if (mappedV4 && isIPv4(mappedV4)) return mappedV4;
  if (isIPv4(candidate)) return candidate;
  if (isIPv6(candidate)) return `${ipv6Groups(candidate).slice(0, 4).join(':')}::/64`;
  return 'unknown';
}

/** The eight 16-bit groups of an IPv6 address, "::" expanded, zone dropped. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...missing, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
