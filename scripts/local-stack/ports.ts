import { createServer, type Server } from 'node:net';

/** Asks the OS for a loopback port that nothing listens on right now (for tests and parallel stacks). */
export async function findFreePort(): Promise<number> {
  const server = await listenOn(0);
  const address = server.address();
  await close(server);
  if (address === null || typeof address === 'string') throw new Error('The OS assigned no TCP port.');
  return address.port;
}

/**
 * Fails with one readable line when `port` is taken. Checked before starting a server because the
 * servers report it badly themselves: PostgreSQL exits with a FATAL among its log lines, and maildev
 * leaves its SMTP side listening when only its web port is taken.
 */
export async function assertPortFree(port: number, purpose: string): Promise<void> {
  try {
    await close(await listenOn(port));
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new Error(`Port ${port} on 127.0.0.1 is already in use, so the ${purpose} cannot listen there.`);
    }
    throw error;
  }
}

function listenOn(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
