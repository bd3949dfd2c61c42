import { z } from 'zod';
import { getServices } from '../../../lib/services.server.ts';
import { registerUserAsConfigured } from '../../../lib/signup/register-user-as-configured.server.ts';
import { signupSchema } from '../../../lib/signup/signup-schema.ts';

/**
 * The sign-up for non-browser clients: the same code as the form's server action. An address that
 * already has an account gets the same 201 as a new one, so the endpoint cannot reveal who is registered.
 */
export async function POST(request: Request): Promise<Response> {
  if (!request.headers.get('content-type')?.toLowerCase().startsWith('application/json')) {
    return Response.json({ message: 'Send the sign-up as JSON (Content-Type: application/json).' }, { status: 415 });
  }
  const body: unknown = await request.json().catch(() => undefined);
  const parsed = signupSchema.safeParse(body);
  if (!parsed.success) {
    return Response.json(
      { message: 'Some fields need attention.', errors: z.flattenError(parsed.error).fieldErrors },
      { status: 400 },
    );
  }
  try {
    await registerUserAsConfigured(await getServices(), parsed.data);
  } catch (error) {
    console.error('sign-up failed', error);
    return Response.json(
      { message: 'Sign-up is unavailable for a moment. Please try again.' },
      { status: 503, headers: { 'Retry-After': '5' } },
    );
  }
  return Response.json({ message: 'Check your inbox to confirm your address.' }, { status: 201 });
}
