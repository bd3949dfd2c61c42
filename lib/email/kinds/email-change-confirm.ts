import { defineEmailKind } from '../email-kind.ts';
import { composeEmail } from '../render.ts';

/** Sent to the new address of an email change: the account moves to it only when this link is used. */
export const emailChangeConfirmKind = defineEmailKind({
  token: { purpose: 'change-email', path: '/confirm-email-change' },
  render: ({ name, link }) => {
    if (!link) throw new Error('an email change confirmation needs its link');
    return composeEmail({
      subject: 'Confirm your new email address',
      name,
      paragraphs: ['You asked to use this address for your account. Open this link to confirm it:'],
      action: { label: 'Confirm my new address', ...link },
      footer: "If you didn't ask, ignore this email: nothing changes without this link.",
    });
  },
});
