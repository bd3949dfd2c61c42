import { defineEmailKind } from '../email-kind.ts';
import { composeEmail } from '../render.ts';

/** The link that sets a new password, for someone who forgot theirs. */
export const resetPasswordKind = defineEmailKind({
  token: { purpose: 'reset-password', path: '/reset-password' },
  render: ({ name, link }) => {
    if (!link) throw new Error('a password reset email needs its link');
    return composeEmail({
      subject: 'Reset your password',
      name,
      paragraphs: [
        'Someone, hopefully you, asked to reset the password of your account. Open this link to choose a new one:',
      ],
      action: { label: 'Choose a new password', ...link },
      footer: "If you didn't ask, ignore this email: your password stays as it is.",
    });
  },
});
