import { z } from 'zod';
import { createLogger } from '../../../lib/logger.server.ts';
import { requestIdOf } from '../../../lib/request-id.server.ts';
import { getServices } from '../../../lib/services.server.ts';
import { registerUser } from '../../../lib/signup/register-user.server.ts';
import { requestKeySchema } from '../../../lib/signup/request-key.ts';
import { signupSchema } from '../../../lib/signup/signup-schema.ts';

const logger = createLogger('web');

/**
 * The sign-up for non-browser clients: the same code as the form's server action. An address that
 * already has an account gets the same 201 as a new one, so the endpoint cannot reveal who is registered.
 * A client that retries with the same `Idempotency-Key` header signs up once.
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = requestIdOf(request.headers);
  const headers = { 'X-Request-Id': requestId };
  if (!request.headers.get('content-type')?.toLowerCase().startsWith('application/json')) {
    return Response.json(
      { message: 'Send the sign-up as JSON (Content-Type: application/json).' },
      { status: 415, headers },
    );
  }
  const requestKey = requestKeySchema.safeParse(request.headers.get('idempotency-key') ?? undefined);
  if (!requestKey.success) {
    return Response.json({ message: requestKey.error.issues[0]?.message }, { status: 400, headers });
  }
  const body: unknown = await request.json().catch(() => undefined);
  const parsed = signupSchema.safeParse(body);
  if (!parsed.success) {
    return Response.json(
      { message: 'Some fields need attention.', errors: z.flattenError(parsed.error).fieldErrors },
      { status: 400, headers },
    );
  }
  try {
    await registerUser(await getServices(), parsed.data, { requestKey: requestKey.data });
  } catch (error) {
    logger.error({ err: error, requestId }, 'sign-up failed');
    return Response.json(
      { message: 'Sign-up is unavailable for a moment. Please try again.' },
      { status: 503, headers: { ...headers, 'Retry-After': '5' } },
    );
  }
  return Response.json({ message: 'Check your inbox to confirm your address.' }, { status: 201, headers });
}
