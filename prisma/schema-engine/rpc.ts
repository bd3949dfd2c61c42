/** The native engine's transport: line-delimited JSON-RPC 2.0 on stdin/stdout. */
import { createInterface } from 'node:readline';
import { EnginePanic, prismaErrorCode } from './errors.ts';

export type Print = (content: string) => void;
export type Handler = (method: string, params: unknown, print: Print) => Promise<unknown>;

type Message = { id?: number | string; method?: string; params?: unknown };

function send(message: object): void {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

/** Handles requests one at a time, in order, until stdin closes. */
export async function serve(handle: Handler): Promise<void> {
  let printId = 0;
  // `print` is the engine's request to the CLI to write to its stdout (how `migrate diff` shows its
  // output). The CLI handles lines in order, so the output precedes the response sent after it and
  // the CLI's acknowledgement need not be awaited.
  const print: Print = (content) => send({ id: `print-${++printId}`, method: 'print', params: { content } });

  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const { id, method, params } = JSON.parse(line) as Message;
    if (method === undefined) continue; // an acknowledgement of `print`
    try {
      send({ id, result: (await handle(method, params, print)) ?? null });
    } catch (error) {
      send({ id, error: toRpcError(error) });
    }
  }
}

/**
 * The native engine's error shape: the CLI prints `data.message`, prefixed by `data.error_code`,
 * or for a panic the top-level `message`.
 */
function toRpcError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  const isPanic = error instanceof EnginePanic;
  return {
    code: 4466,
    message: isPanic ? message : 'An error happened. Check the data field for details.',
    data: { is_panic: isPanic, message, error_code: prismaErrorCode(error) },
  };
}
