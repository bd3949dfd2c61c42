import { defineEmailKind } from '../email-kind.ts';
import { composeEmail } from '../render.ts';

/**
 * Sent to the address an account is moving away from, with a link that stops the move (or undoes
 * it, if the new address was confirmed already): the owner of a stolen session can take it back.
 */
export const emailChangeNoticeKind = defineEmailKind({
  token: { purpose: 'cancel-email-change', path: '/cancel-email-change' },
  render: ({ name, link }) => {
    if (!link) throw new Error('an email change notice needs its link');
    return composeEmail({
      subject: 'Your email address is being changed',
      name,
      paragraphs: [
        "Someone signed in to your account asked to change its email address. We sent a confirmation link to the new address; the change happens when it's used.",
        "If that wasn't you, cancel the change with this link. It also signs out every session of your account:",
      ],
      action: { label: 'Cancel the change', ...link },
    });
  },
});
