import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// How production starts the web tier and a worker is package.json's `start` and `worker` scripts,
// heap bounds included (ADR 031). The e2e stack, `npm run dev`, the fault run and the bench run those
// same commands, read from there. They run them without npm: its wrapper process would sit between
// the tool and the server, taking the signals meant for the server and the pid whose memory and CPU
// the bench reads.

/** A script of the form `node [options] <entry> [arguments]`, as Node's own arguments. */
export type NodeCommand = { nodeOptions: string[]; entry: string; args: string[] };

type LaunchScript = 'start' | 'worker';

const packageJsonSchema = z.object({ scripts: z.record(z.string(), z.string()) });

/**
 * package.json's `name` script as Node's arguments. Only plain words are understood: no quotes,
 * variables or `&&`, and each option in one word (`--max-old-space-size=192`).
 */
export function readNodeScript(root: string, name: LaunchScript): NodeCommand {
  const { scripts } = packageJsonSchema.parse(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')));
  const script = scripts[name];
  if (script === undefined) throw new Error(`package.json has no "${name}" script.`);
  return parseNodeCommand(script, name);
}

export function parseNodeCommand(script: string, name: string): NodeCommand {
  const [command, ...words] = script.trim().split(/\s+/);
  const entryIndex = words.findIndex((word) => !word.startsWith('-'));
  const entry = words[entryIndex];
  if (command !== 'node' || entry === undefined || !words.every((word) => /^[\w@%+=:,./-]+$/.test(word))) {
    throw new Error(
      `package.json's "${name}" script must be a plain \`node [options] <file> [arguments]\` command ` +
        `for the tools that start it; it is: ${script}`,
    );
  }
  return { nodeOptions: words.slice(0, entryIndex), entry, args: words.slice(entryIndex + 1) };
}

/** Node's arguments for `npm start` (`next start`) on `hostname` and `port`. */
export function webArgs(root: string, { hostname, port }: { hostname: string; port: number }): string[] {
  const { nodeOptions, entry, args } = readNodeScript(root, 'start');
  return [...nodeOptions, entry, ...args, '--hostname', hostname, '--port', String(port)];
}

/** Node's arguments for one worker process, as `npm run worker` starts it: the bundle (ADR 032). */
export function workerArgs(root: string): string[] {
  const { nodeOptions, entry, args } = readNodeScript(root, 'worker');
  return [...nodeOptions, entry, ...args];
}

/** The same worker from its TypeScript sources, for `npm run dev`: no build step between edits. */
export function workerSourceArgs(root: string): string[] {
  return [...readNodeScript(root, 'worker').nodeOptions, 'worker/main.ts'];
}

/**
 * What `npm run build` writes, one file per step: Next's build id, and the worker's bundle, which
 * `npm run worker` runs.
 */
export function buildOutputs(root: string): string[] {
  return ['.next/BUILD_ID', workerBundle(root)];
}

/** Where `npm run build` bundles worker/main.ts: the file the `worker` script runs. */
export function workerBundle(root: string): string {
  return readNodeScript(root, 'worker').entry;
}
