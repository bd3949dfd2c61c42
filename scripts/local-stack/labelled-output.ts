import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { styleText } from 'node:util';

const palette = ['blue', 'magenta', 'green', 'cyan', 'yellow', 'red'] as const;
const colours = new Map<string, (typeof palette)[number]>();

/** Copies `input` to `output` line by line, each line prefixed with `[name]`. */
export function pipeLabelled(name: string, input: Readable, output: NodeJS.WriteStream): void {
  const prefix = label(name, output);
  createInterface({ input, crlfDelay: Infinity }).on('line', (line) => output.write(`${prefix} ${line}\n`));
}

/** A logger for the supervisor's own messages, labelled like a child's output. */
export function labelledLog(name: string): (message: string) => void {
  const prefix = label(name, process.stdout);
  return (message) => process.stdout.write(`${prefix} ${message}\n`);
}

/**
 * `[name]` in a colour of its own, given in order of first use so that it is the same on every run;
 * plain where colour is off (output not a terminal, NO_COLOR set).
 */
function label(name: string, output: NodeJS.WriteStream): string {
  let colour = colours.get(name);
  if (colour === undefined) {
    colour = palette[colours.size % palette.length] ?? 'blue';
    colours.set(name, colour);
  }
  return styleText(colour, `[${name}]`, { stream: output });
}
