import { defineEmailKind } from '../email-kind.ts';
import { composeEmail } from '../render.ts';

/** After a reset or a change: the owner hears of it, in case it was not them. */
export const passwordChangedKind = defineEmailKind({
  render: ({ name, appUrl }) =>
    composeEmail({
      subject: 'Your password was changed',
      name,
      paragraphs: [
        'The password of your account was just changed, and every other session signed out.',
        "If that wasn't you, reset your password now; it also signs out whoever changed it:",
      ],
      action: { label: 'Reset my password', url: `${appUrl}/forgot-password` },
    }),
});
