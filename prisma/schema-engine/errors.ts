/** An error the CLI shows with its Prisma error code (P1001, P1003...), as the native engine reports it. */
export class UserFacingError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A Rust panic in the wasm engine, with its message. */
export class EnginePanic extends Error {}

/**
 * The Prisma error code of an error, if it has one: a UserFacingError's, or the one the wasm
 * engine sets on its own errors (P3005...). `pg`'s codes (ECONNREFUSED, 42P01...) are not.
 */
export function prismaErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return undefined;
  return /^P\d{4}$/.test(error.code) ? error.code : undefined;
}
