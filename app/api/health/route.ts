import { createLogger } from '../../../lib/logging/logger.server.ts';
import { jobs } from '../../../lib/job-registry.server.ts';
import { readQueueHealth } from '../../../lib/jobs/queue-health.server.ts';
import { getServices } from '../../../lib/services.server.ts';

const logger = createLogger('web');
const noStore = { 'Cache-Control': 'no-store' };

/**
 * For load balancers and monitoring: 200 while the database answers, with every job queue's backlog;
 * 503 while it does not (this process then cannot take sign-ups).
 */
export async function GET(): Promise<Response> {
  try {
    const { db, boss } = await getServices();
    const started = performance.now();
    await db.$queryRaw`SELECT 1`;
    const latencyMs = Math.round(performance.now() - started);
    const queues = await readQueueHealth(boss, jobs);
    return Response.json({ status: 'ok', database: { reachable: true, latencyMs }, queues }, { headers: noStore });
  } catch (error) {
    logger.warn({ err: error }, 'health check: database unreachable');
    return Response.json({ status: 'unavailable', database: { reachable: false } }, { status: 503, headers: noStore });
  }
}
