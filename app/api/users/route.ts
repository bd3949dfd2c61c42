import { z } from 'zod';
import { clientIpFrom } from '../../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../../lib/services.server.ts';
import { registerUserAsConfigured } from '../../../lib/signup/register-user-as-configured.server.ts';
import { signupSchema } from '../../../lib/signup/signup-schema.ts';
import { readJsonBody } from './json-body.ts';

// A sign-up is three short fields; anything much larger is not one.
const maxBodyBytes = 8 * 1024;

/**
 * The sign-up for non-browser clients: the same code as the form's server action. An address that
 * already has an account gets the same 201 as a new one, so the endpoint cannot reveal who is registered.
 */
export async function POST(request: Request): Promise<Response> {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return Response.json({ message: 'Send the sign-up as JSON (Content-Type: application/json).' }, { status: 415 });
  }

  try {
    const services = await getServices();
    // Every attempt counts, valid or not, before any costly work: the strength check and the hash.
    const verdict = await services.limits.signupAttempt(clientIpFrom(request.headers, services.config.clientIp));
    if (!verdict.allowed) {
      return Response.json(
        { message: `Too many sign-up attempts. Please try again in ${waitInWords(verdict.retryAfterSeconds)}.` },
        { status: 429, headers: { 'Retry-After': String(verdict.retryAfterSeconds) } },
      );
    }

    const body = await readJsonBody(request, maxBodyBytes);
    if (body.status === 'too-large') {
      return Response.json({ message: `Send at most ${maxBodyBytes} bytes.` }, { status: 413 });
    }
    if (body.status === 'malformed') {
      return Response.json({ message: 'The body is not valid JSON in UTF-8.' }, { status: 400 });
    }
    const parsed = signupSchema.safeParse(body.value);
    if (!parsed.success) {
      return Response.json(
        {
          message: 'Send a JSON object with the fields email, password and, if you like, name.',
          errors: z.flattenError(parsed.error).fieldErrors,
        },
        { status: 400 },
      );
    }

    await registerUserAsConfigured(services, parsed.data);
  } catch (error) {
    console.error('sign-up failed', error);
    return Response.json(
      { message: 'Sign-up is unavailable for a moment. Please try again.' },
      { status: 503, headers: { 'Retry-After': '5' } },
    );
  }
  return Response.json({ message: 'Check your inbox to confirm your address.' }, { status: 201 });
}
