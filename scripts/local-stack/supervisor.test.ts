import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSupervisor } from './supervisor.ts';

/** A Node program given as source, with a fresh supervisor whose children log to a folder of the test's own. */
async function setUp() {
  const logDir = await mkdtemp(path.join(tmpdir(), 'supervisor-test-'));
  const supervisor = createSupervisor({ cwd: logDir, name: 'test' });
  onTestFinished(async () => {
    await supervisor.stopAll();
    await rm(logDir, { recursive: true, force: true });
  });
  const startNode = (name: string, source: string) =>
    supervisor.start(name, process.execPath, ['-e', source], { logFile: path.join(logDir, `${name}.log`) });
  return { supervisor, logDir, startNode };
}

// Stays up until signalled, saying so on stdout first.
const server =
  "console.log('ready'); process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); setInterval(() => {}, 1000);";

describe('supervisor', () => {
  it('waits for a ready line, logs the output to a file and stops the process with SIGTERM', async () => {
    const { logDir, startNode } = await setUp();
    const child = startNode('server', server);
    await child.waitForLine(/^ready$/, 10_000);
    expect((await child.stats()).peakRssBytes).toBeGreaterThan(0);
    await child.stop();
    // The process has exited; its last output may still be on its way to the file.
    await expect.poll(() => readFile(path.join(logDir, 'server.log'), 'utf8')).toBe('ready\nbye\n');
  });

  it('says which process exited before it was ready, and where its log is', async () => {
    const { logDir, startNode } = await setUp();
    const child = startNode('broken', 'process.exit(3)');
    await expect(child.waitForLine(/ready/, 10_000)).rejects.toThrow(
      `broken exited before it was ready (exit code 3); see ${path.join(logDir, 'broken.log')}.`,
    );
  });

  it('kills with the signal asked for', async () => {
    const { startNode } = await setUp();
    const stubborn = startNode(
      'stubborn',
      "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);",
    );
    await stubborn.waitForLine(/ready/, 10_000);
    await stubborn.stop({ signal: 'SIGKILL' });
  });

  it('stops everything still running, last started first', async () => {
    const { supervisor, logDir, startNode } = await setUp();
    const stopped = path.join(logDir, 'stopped');
    for (const name of ['first', 'second', 'third']) {
      const child = startNode(
        name,
        `process.on('SIGTERM', () => { require('node:fs').appendFileSync(${JSON.stringify(stopped)}, '${name} '); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);`,
      );
      await child.waitForLine(/ready/, 10_000);
    }
    await supervisor.stopAll();
    expect(await readFile(stopped, 'utf8')).toBe('third second first ');
  });
});
