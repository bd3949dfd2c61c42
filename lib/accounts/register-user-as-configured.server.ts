import 'server-only';
import type { WebServices } from '../services.server.ts';
import { registerUserSendingEmailInRequest } from './register-user-sending-email-in-request.server.ts';
import { registerUser, type RegisterOptions } from './register-user.server.ts';
import type { SignupInput } from './signup-schema.ts';

/** What the form and the JSON route call: the deferred sign-up, or the benchmark's baseline when configured. */
export function registerUserAsConfigured(
  services: WebServices,
  input: SignupInput,
  options: RegisterOptions = {},
): Promise<{ deliveryId: string }> {
  return services.inRequestMail
    ? registerUserSendingEmailInRequest(services.inRequestMail, input, options)
    : registerUser(services, input, options);
}
