// Repr-Digest (RFC 9530): a Structured Fields dictionary of algorithm = :base64 bytes:, such as
// `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`. Only sha-256 is checked; other
// algorithms a client sends along are ignored, as the RFC allows.
const member = /^([a-z*][a-z0-9_.*-]*)=:([A-Za-z0-9+/]*={0,2}):(?:;.*)?$/;

export type ReprDigest =
  /** No header, or none with sha-256: nothing to check. */
  { status: 'absent' } | { status: 'sha-256'; digest: Buffer } | { status: 'malformed' };

export function parseReprDigest(header: string | null): ReprDigest {
  if (header === null || header.trim() === '') return { status: 'absent' };
  let sha256: Buffer | undefined;
  for (const part of header.split(',')) {
    const match = member.exec(part.trim());
    if (!match) return { status: 'malformed' };
    if (match[1] !== 'sha-256') continue;
    const digest = Buffer.from(match[2] ?? '', 'base64');
    if (digest.length !== 32) return { status: 'malformed' };
    sha256 = digest;
  }
  return sha256 ? { status: 'sha-256', digest: sha256 } : { status: 'absent' };
}

/** The header that tells the client what arrived, to check against what it sent. */
export function formatReprDigest(sha256: Buffer): string {
  return `sha-256=:${sha256.toString('base64')}:`;
}
