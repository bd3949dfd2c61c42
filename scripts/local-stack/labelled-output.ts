import { styleText } from 'node:util';

const palette = ['blue', 'magenta', 'green', 'cyan', 'yellow', 'red'] as const;
const colours = new Map<string, (typeof palette)[number]>();

/** Writes each line it is given to `output`, prefixed with `[name]`. */
export function labelledLines(name: string, output: NodeJS.WriteStream): (line: string) => void {
  const prefix = label(name, output);
  return (line) => output.write(`${prefix} ${line}\n`);
}

/** A logger for a tool's own messages, labelled like its children's output. */
export function labelledLog(name: string): (message: string) => void {
  return labelledLines(name, process.stdout);
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
