import { once } from 'node:events';
import { lstat, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database.ts';
import { startMailCatcher } from './mail-catcher.ts';
import { findFreePort } from './ports.ts';
import { runsAsRoot } from './postgres-as-root.ts';

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'local-stack-test-'));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/** Stopped after the test; stopping it earlier as well is harmless. */
async function startDatabase(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const database = await startEmbeddedDatabase({ dataDir, port, persistent: true });
  onTestFinished(() => database.stop());
  return database;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded database', () => {
  it('creates a database and keeps its data across a restart on the same directory', async () => {
    const dataDir = await temporaryDirectory();
    const port = await findFreePort();

    const first = await startDatabase(dataDir, port);
    await first.ensureDatabase('app');
    await first.ensureDatabase('app');
    await query(first.urlFor('app'), "CREATE TABLE note (text text); INSERT INTO note VALUES ('kept')");
    await first.stop();

    const second = await startDatabase(dataDir, port);
    await second.ensureDatabase('app');
    expect(await query(second.urlFor('app'), 'SELECT text FROM note')).toEqual([{ text: 'kept' }]);
  });

  // PostgreSQL then runs as the postgres user, who cannot enter a folder of mode 0700 such as mkdtemp makes.
  it.runIf(runsAsRoot)(
    'as root, keeps the data of a folder only root can enter where PostgreSQL can reach it',
    async () => {
      const dataDir = path.join(await temporaryDirectory(), 'postgres');
      const port = await findFreePort();

      const first = await startDatabase(dataDir, port);
      const target = await readlink(dataDir);
      onTestFinished(() => rm(target, { recursive: true, force: true }));
      await query(first.urlFor('postgres'), "CREATE TABLE note (text text); INSERT INTO note VALUES ('kept')");
      await first.stop();

      const second = await startDatabase(dataDir, port);
      expect(await query(second.urlFor('postgres'), 'SELECT text FROM note')).toEqual([{ text: 'kept' }]);
      expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
      expect(path.dirname(target)).toBe(tmpdir());
    },
  );

  it('starts over a postmaster.pid whose PID now belongs to another process', async () => {
    const [dataDir, otherDataDir] = [await temporaryDirectory(), await temporaryDirectory()];
    await (await startDatabase(dataDir, await findFreePort())).stop();
    // Another cluster's postmaster runs as the same `postgres` user: PostgreSQL alone would take the lock
    // file for a live server's and refuse to start.
    await startDatabase(otherDataDir, await findFreePort());
    const [otherPostmasterPid] = (await readFile(path.join(otherDataDir, 'postmaster.pid'), 'utf8')).split('\n');
    await writeFile(path.join(dataDir, 'postmaster.pid'), `${otherPostmasterPid}\n${dataDir}\n`);

    const database = await startDatabase(dataDir, await findFreePort());
    expect(await query(database.urlFor('postgres'), 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('says so when a server is still running on the same directory', async () => {
    const dataDir = await temporaryDirectory();
    await startDatabase(dataDir, await findFreePort());

    await expect(startEmbeddedDatabase({ dataDir, port: await findFreePort(), persistent: true })).rejects.toThrow(
      /PostgreSQL \(PID \d+\) is still running on .*kill -INT \d+/,
    );
  });

  it('says so when the port is taken', async () => {
    const port = await findFreePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    await once(blocker, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    await expect(
      startEmbeddedDatabase({ dataDir: await temporaryDirectory(), port, persistent: true }),
    ).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
  });
});

describe('mail catcher', () => {
  it('keeps a mail sent over SMTP and lists it in its REST API', async () => {
    const mail = await startMailCatcher({
      smtpPort: await findFreePort(),
      webPort: await findFreePort(),
      mailDirectory: await temporaryDirectory(),
    });
    onTestFinished(() => mail.stop());
    const transport = nodemailer.createTransport({ url: mail.smtpUrl });
    onTestFinished(() => transport.close());

    await transport.sendMail({
      from: 'app@example.test',
      to: 'ada@example.test',
      subject: 'Confirm your email',
      text: 'Follow the link.',
    });

    const inbox = async () => (await fetch(`${mail.inboxUrl}/api/email`)).json();
    await expect.poll(inbox).toEqual([
      expect.objectContaining({
        subject: 'Confirm your email',
        to: [expect.objectContaining({ address: 'ada@example.test' })],
      }),
    ]);
  });
});
