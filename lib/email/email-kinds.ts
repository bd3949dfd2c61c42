import { alreadyRegisteredKind } from './kinds/already-registered.ts';
import { confirmEmailKind } from './kinds/confirm-email.ts';
import { emailChangeConfirmKind } from './kinds/email-change-confirm.ts';
import { emailChangeNoticeKind } from './kinds/email-change-notice.ts';
import { emailTakenNoticeKind } from './kinds/email-taken-notice.ts';
import { farewellKind } from './kinds/farewell.ts';
import { passwordChangedKind } from './kinds/password-changed.ts';
import { resetPasswordKind } from './kinds/reset-password.ts';
import { invitationKind } from './kinds/invitation.ts';

/** Every kind of email the outbox sends, by the name stored with each delivery. */
export const emailKinds = {
  confirm: confirmEmailKind,
  already_registered: alreadyRegisteredKind,
  reset_password: resetPasswordKind,
  password_changed: passwordChangedKind,
  email_change_confirm: emailChangeConfirmKind,
  email_change_notice: emailChangeNoticeKind,
  email_taken_notice: emailTakenNoticeKind,
  farewell: farewellKind,
  invitation: invitationKind,
};

export type EmailKind = keyof typeof emailKinds;

export function isEmailKind(kind: string): kind is EmailKind {
  return Object.hasOwn(emailKinds, kind);
}
