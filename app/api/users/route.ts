import { signUp } from '../../../lib/accounts/sign-up.server.ts';
import { requestKeySchema } from '../../../lib/accounts/request-key.ts';
import { createLogger } from '../../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../../lib/logging/request-id.server.ts';
import { clientIpFrom } from '../../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../../lib/services.server.ts';
import { readJsonRequest } from '../json-body.ts';

// A sign-up is three short fields; anything much larger is not one.
const maxBodyBytes = 8 * 1024;

const logger = createLogger('web');

/**
 * The sign-up for non-browser clients: the same domain function as the form's server action. An
 * address that already has an account gets the same 201 as a new one, so the endpoint cannot
 * reveal who is registered. A client that retries with the same `Idempotency-Key` header signs up once.
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = requestIdOf(request.headers);
  const headers = { 'X-Request-Id': requestId };
  const requestKey = requestKeySchema.safeParse(request.headers.get('idempotency-key') ?? undefined);
  if (!requestKey.success) {
    return Response.json({ message: requestKey.error.issues[0]?.message }, { status: 400, headers });
  }
  const body = await readJsonRequest(request, { maxBytes: maxBodyBytes, what: 'sign-up', headers });
  if (body.status === 'refused') return body.response;

  try {
    const services = await getServices();
    const result = await signUp(services, {
      fields: body.value,
      clientIp: clientIpFrom(request.headers, services.config.clientIp),
      requestKey: requestKey.data,
    });
    switch (result.status) {
      case 'rate-limited':
        return Response.json(
          { message: `Too many sign-up attempts. Please try again in ${waitInWords(result.retryAfterSeconds)}.` },
          { status: 429, headers: { ...headers, 'Retry-After': String(result.retryAfterSeconds) } },
        );
      case 'invalid':
        return Response.json(
          {
            message: 'Send a JSON object with the fields email, password and, if you like, name.',
            errors: result.errors,
          },
          { status: 400, headers },
        );
      case 'success':
        return Response.json({ message: 'Check your inbox to confirm your address.' }, { status: 201, headers });
    }
  } catch (error) {
    logger.error({ err: error, requestId }, 'sign-up failed');
    return Response.json(
      { message: 'Sign-up is unavailable for a moment. Please try again.' },
      { status: 503, headers: { ...headers, 'Retry-After': '5' } },
    );
  }
}
