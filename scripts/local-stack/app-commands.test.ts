import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { webArgs, workerArgs, workerSourceArgs } from './app-commands.ts';

const packageJson = JSON.parse(await readFile(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('app commands', () => {
  it('start the web tier and a worker as `npm start` and `npm run worker` do', () => {
    expect(packageJson.scripts.start).toBe(['node', ...webArgs('')].join(' '));
    expect(packageJson.scripts.worker).toBe(['node', ...workerArgs('')].join(' '));
  });

  it('bound the heap of both processes', () => {
    for (const args of [webArgs('', { hostname: '127.0.0.1', port: 3000 }), workerArgs(''), workerSourceArgs('')]) {
      expect(args).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
      expect(args).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
    }
  });
});
