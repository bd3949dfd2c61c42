import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNodeCommand, readNodeScript } from './app-commands.ts';

const root = path.join(import.meta.dirname, '../..');

describe('parseNodeCommand', () => {
  it("splits a script into Node's options, the file it runs and that file's arguments", () => {
    expect(parseNodeCommand('node --max-old-space-size=96 --enable-source-maps dist/main.js --verbose', 'x')).toEqual({
      nodeOptions: ['--max-old-space-size=96', '--enable-source-maps'],
      entry: 'dist/main.js',
      args: ['--verbose'],
    });
  });

  it('refuses what only a shell would understand, rather than run something else', () => {
    for (const script of [
      'npx next start',
      'node a.js && node b.js',
      'NODE_ENV=production node a.js',
      'node "a b.js"',
    ]) {
      expect(() => parseNodeCommand(script, 'start')).toThrow(/must be a plain `node/);
    }
  });
});

describe("package.json's start and worker scripts", () => {
  it('run Node with bounded heaps (ADR 031)', () => {
    for (const name of ['start', 'worker'] as const) {
      const { nodeOptions } = readNodeScript(root, name);
      expect(nodeOptions).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
      expect(nodeOptions).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
    }
  });
});
