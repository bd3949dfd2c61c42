/**
 * The child's side of a service started by the supervisor (see startService in supervisor.ts): start
 * the service, send its details to the parent once it is ready, and stop it when the parent closes the
 * IPC channel (how the supervisor asks, and what happens when it dies) or on a signal (when run by hand).
 */
export type RunningService = {
  /** What the parent needs to use the service, such as its URLs. */
  details: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * `start` gets a `fail` callback for a service that dies after starting: the process then exits non-zero,
 * which the supervisor treats like any child dying.
 */
export function serveUntilStopped(start: (fail: (error: Error) => void) => Promise<RunningService>): void {
  let stopping = false;
  const exitWith = (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  };
  const fail = (error: Error) => {
    if (!stopping) exitWith(error);
  };
  const started = start(fail);

  const stop = () => {
    if (stopping) return;
    stopping = true;
    started.then((service) => service.stop()).then(() => process.exit(0), exitWith);
  };
  process.on('disconnect', stop);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);

  started.then((service) => process.send?.({ ready: service.details }), exitWith);
}
