import { defineEmailKind } from '../email-kind.ts';
import { composeEmail } from '../render.ts';

/**
 * Someone asked to move another account to this address, which has an account already. Its owner
 * hears of it; the asker gets the same answer as for a free address, so learns nothing.
 */
export const emailTakenNoticeKind = defineEmailKind({
  render: ({ name, appUrl }) =>
    composeEmail({
      subject: 'Someone tried to use your email address',
      name,
      paragraphs: [
        "Someone asked to change another account's email address to this one. It already belongs to your account, so nothing changed.",
        'Your account is still yours:',
      ],
      action: { label: 'Sign in', url: `${appUrl}/sign-in` },
      footer: 'If it was you, use your existing account, or delete it first to move the other one here.',
    }),
});
