import 'server-only';
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, one line per event, for the web tier and the worker. Callers add context
 * with `logger.child({ requestId })` or `{ jobId }`. Tokens, confirmation links and passwords are
 * never passed in; the redaction is a second line of defence should one slip into an object.
 */
export function createLogger(service: 'web' | 'worker' | 'ops'): Logger {
  return pino({
    base: { service },
    level: process.env.LOG_LEVEL ?? 'info',
    redact: {
      paths: ['token', '*.token', 'password', '*.password', 'confirmUrl', '*.confirmUrl', 'text', 'html'],
      censor: '[redacted]',
    },
  });
}
