import 'server-only';
import { hash } from '@node-rs/argon2';

// OWASP's argon2id baseline (m = 19 MiB, t = 2, p = 1). The library's default algorithm is
// argon2id, and it hashes on libuv's thread pool, so the event loop stays free meanwhile.
export const argon2idOptions = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2idOptions);
}
