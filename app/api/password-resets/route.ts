import { requestPasswordReset } from '../../../lib/accounts/request-password-reset.server.ts';
import { createLogger } from '../../../lib/logging/logger.server.ts';
import { requestIdOf } from '../../../lib/logging/request-id.server.ts';
import { clientIpFrom } from '../../../lib/rate-limit/client-ip.ts';
import { waitInWords } from '../../../lib/rate-limit/wait-in-words.ts';
import { getServices } from '../../../lib/services.server.ts';
import { readJsonRequest } from '../json-body.ts';

const maxBodyBytes = 1024;

const logger = createLogger('web');

/**
 * "Forgot password" for non-browser clients: the same domain function as the form's server action,
 * and the same 202 whether or not the address has an account.
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = requestIdOf(request.headers);
  const headers = { 'X-Request-Id': requestId };
  const body = await readJsonRequest(request, { maxBytes: maxBodyBytes, what: 'request', headers });
  if (body.status === 'refused') return body.response;
  try {
    const services = await getServices();
    const result = await requestPasswordReset(services, {
      fields: body.value,
      clientIp: clientIpFrom(request.headers, services.config.clientIp),
    });
    switch (result.status) {
      case 'rate-limited':
        return Response.json(
          {
            message: `A reset link was asked for a moment ago. Please try again in ${waitInWords(result.retryAfterSeconds)}.`,
          },
          { status: 429, headers: { ...headers, 'Retry-After': String(result.retryAfterSeconds) } },
        );
      case 'invalid':
        return Response.json(
          { message: 'Send a JSON object with the field email.', errors: result.errors },
          { status: 400, headers },
        );
      case 'accepted':
        return Response.json(
          { message: 'If the address has an account, a link to reset its password is on its way.' },
          { status: 202, headers },
        );
    }
  } catch (error) {
    logger.error({ err: error, requestId }, 'password reset request failed');
    return Response.json(
      { message: 'Password reset is unavailable for a moment. Please try again.' },
      { status: 503, headers: { ...headers, 'Retry-After': '5' } },
    );
  }
}
