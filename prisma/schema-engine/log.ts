/**
 * Log lines in the shape of the native engine's `tracing` JSON output on stderr. The CLI parses
 * them: it shows `fields.message` when the engine fails, and after a `cli` subcommand it skips the
 * first line and reads the error code from the ERROR line whose target is `schema_engine::logger`.
 */
import { prismaErrorCode } from './errors.ts';

type Fields = { message: string } & Record<string, unknown>;

function write(level: 'INFO' | 'ERROR', fields: Fields, target: string): void {
  process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target })}\n`);
}

export function logInfo(message: string): void {
  write('INFO', { message }, 'schema_engine_cli');
}

export function logError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  write('ERROR', { is_panic: false, error_code: prismaErrorCode(error) ?? '', message }, 'schema_engine::logger');
}
