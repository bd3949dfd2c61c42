import { alreadyRegisteredKind } from './kinds/already-registered.ts';
import { confirmEmailKind } from './kinds/confirm-email.ts';

/** Every kind of email the outbox sends, by the name stored with each delivery. */
export const emailKinds = {
  confirm: confirmEmailKind,
  already_registered: alreadyRegisteredKind,
};

export type EmailKind = keyof typeof emailKinds;

export function isEmailKind(kind: string): kind is EmailKind {
  return Object.hasOwn(emailKinds, kind);
}
