import { z } from 'zod';
import { createLogger } from '../../../lib/logging/logger.server.ts';
import { clientIpFrom } from '../../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../../lib/rate-limit/wait-in-words.ts';
import { requestIdOf } from '../../../lib/logging/request-id.server.ts';
import { getServices } from '../../../lib/services.server.ts';
import { parseSignup } from '../../../lib/accounts/parse-signup.server.ts';
import { registerUserAsConfigured } from '../../../lib/accounts/register-user-as-configured.server.ts';
import { requestKeySchema } from '../../../lib/accounts/request-key.ts';
import { readJsonBody } from './json-body.ts';

// A sign-up is three short fields; anything much larger is not one.
const maxBodyBytes = 8 * 1024;

const logger = createLogger('web');

/**
 * The sign-up for non-browser clients: the same code as the form's server action. An address that
 * already has an account gets the same 201 as a new one, so the endpoint cannot reveal who is registered.
 * A client that retries with the same `Idempotency-Key` header signs up once.
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = requestIdOf(request.headers);
  const headers = { 'X-Request-Id': requestId };
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return Response.json(
      { message: 'Send the sign-up as JSON (Content-Type: application/json).' },
      { status: 415, headers },
    );
  }
  const requestKey = requestKeySchema.safeParse(request.headers.get('idempotency-key') ?? undefined);
  if (!requestKey.success) {
    return Response.json({ message: requestKey.error.issues[0]?.message }, { status: 400, headers });
  }

  try {
    const services = await getServices();
    // Every attempt counts, valid or not, before any costly work: the strength check and the hash.
    const verdict = await services.limits.signupAttempt(clientIpFrom(request.headers, services.config.clientIp));
    if (!verdict.allowed) {
      return Response.json(
        { message: `Too many sign-up attempts. Please try again in ${waitInWords(verdict.retryAfterSeconds)}.` },
        { status: 429, headers: { ...headers, 'Retry-After': String(verdict.retryAfterSeconds) } },
      );
    }

    const body = await readJsonBody(request, maxBodyBytes);
    if (body.status === 'too-large') {
      return Response.json({ message: `Send at most ${maxBodyBytes} bytes.` }, { status: 413, headers });
    }
    if (body.status === 'malformed') {
      return Response.json({ message: 'The body is not valid JSON in UTF-8.' }, { status: 400, headers });
    }
    const parsed = await parseSignup(body.value);
    if (!parsed.success) {
      return Response.json(
        {
          message: 'Send a JSON object with the fields email, password and, if you like, name.',
          errors: z.flattenError(parsed.error).fieldErrors,
        },
        { status: 400, headers },
      );
    }

    await registerUserAsConfigured(services, parsed.data, {
      requestKey: requestKey.data,
      passwordHash: parsed.passwordHash,
    });
  } catch (error) {
    logger.error({ err: error, requestId }, 'sign-up failed');
    return Response.json(
      { message: 'Sign-up is unavailable for a moment. Please try again.' },
      { status: 503, headers: { ...headers, 'Retry-After': '5' } },
    );
  }
  return Response.json({ message: 'Check your inbox to confirm your address.' }, { status: 201, headers });
}
