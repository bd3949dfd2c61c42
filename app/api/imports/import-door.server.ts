import 'server-only';
import { z } from 'zod';
import { authenticateApiKey } from '../../../lib/imports/api-keys.server.ts';
import type { ImportView } from '../../../lib/imports/import-status.server.ts';
import { createLogger } from '../../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../../lib/logging/request-id.server.ts';
import { getServices, type WebServices } from '../../../lib/services.server.ts';

const logger = createLogger('web');

/** What every import route does first: the request's id, the services, the caller's key. */
export type ImportRequest = { services: WebServices; apiKeyId: string; headers: Record<string, string> };

/** An import's id as the URL carries it; anything else names no import (404, as another key's). */
export const importIdSchema = z.uuid();

/**
 * Runs `handle` for a request with a live key: anything else gets 401 before anything is read or
 * stored. A missing and a wrong key take the same path (see authenticateApiKey). Unexpected
 * failures (the database away) are logged once and answered 503 with Retry-After.
 */
export async function withApiKey(
  request: Request,
  action: string,
  handle: (context: ImportRequest) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdOf(request.headers);
  const headers = { 'X-Request-Id': requestId, 'Cache-Control': 'no-store' };
  try {
    const services = await getServices();
    const apiKeyId = await authenticateApiKey(services.db, request.headers.get('authorization'));
    if (!apiKeyId) {
      return Response.json(
        { message: 'Send a valid API key: Authorization: Bearer <key>.' },
        { status: 401, headers: { ...headers, 'WWW-Authenticate': 'Bearer realm="imports"' } },
      );
    }
    return await handle({ services, apiKeyId, headers });
  } catch (error) {
    logger.error({ err: error, requestId }, `${action} failed`);
    return Response.json(
      { message: 'Imports are unavailable for a moment. Please try again.' },
      { status: 503, headers: { ...headers, 'Retry-After': '5' } },
    );
  }
}

export function statusUrlOf(importId: string): string {
  return `/api/imports/${importId}`;
}

/** An import as its JSON answers show it. */
export function importJson(view: ImportView) {
  return {
    ...view,
    statusUrl: statusUrlOf(view.id),
    rowsUrl: `${statusUrlOf(view.id)}/rows`,
  };
}

export function notFound(headers: Record<string, string>): Response {
  return Response.json({ message: 'No such import.' }, { status: 404, headers });
}
