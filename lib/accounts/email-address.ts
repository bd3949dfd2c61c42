/** RFC 5321: a mailbox's local part holds at most 64 octets, a whole address at most 254. */
export const localPartMaxLength = 64;
export const emailMaxLength = 254;

export type EmailProblem = 'missing' | 'too-long' | 'invalid';

// A dot-atom (RFC 5322) in ASCII. Quoted local parts and UTF-8 local parts (RFC 6531) are legal but
// rare, not deliverable through every server, and a favourite for smuggling; they are refused.
const localPartPattern = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// What a host name looks like after IDNA: letters, digits, hyphens, labels of 1-63, an alphabetic
// or punycode top-level label (so no IP addresses).
const asciiDomainPattern = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// Anything a URL parser would read as something other than a host name.
const notInHostName = /[\s/?#@:[\]\\%]/;

/**
 * Parses an address as typed into its one stored form: trimmed, lower-cased, with an international
 * domain in its ASCII (punycode) form, so "Ada@Bücher.example" and "ada@xn--bcher-kva.example" are
 * one account. Display names ("Ada <ada@example.com>"), CR/LF and anything but a bare address are refused.
 */
export function parseEmailAddress(raw: string): { address: string } | { problem: EmailProblem } {
  const typed = raw.trim();
  if (!typed) return { problem: 'missing' };
  if (typed.length > emailMaxLength * 4) return { problem: 'too-long' };
  const at = typed.lastIndexOf('@');
  const localPart = typed.slice(0, at);
  const domain = asciiDomain(typed.slice(at + 1));
  if (at < 1 || !localPartPattern.test(localPart) || !domain) return { problem: 'invalid' };
  if (localPart.length > localPartMaxLength) return { problem: 'too-long' };
  const address = `${localPart.toLowerCase()}@${domain}`;
  if (address.length > emailMaxLength) return { problem: 'too-long' };
  return { address };
}

/** The domain in IDNA ASCII form (WHATWG URL host parsing: UTS #46 mapping and punycode), or null. */
function asciiDomain(domain: string): string | null {
  if (!domain || notInHostName.test(domain)) return null;
  let host: string;
  try {
    host = new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
  return host.length <= 253 && asciiDomainPattern.test(host) ? host : null;
}
