import { defineEmailKind } from '../email-kind.ts';
import { composeEmail } from '../render.ts';

/** After an account is deleted: its delivery keeps the address, since the account is gone. */
export const farewellKind = defineEmailKind({
  render: ({ appUrl }) =>
    composeEmail({
      subject: 'Your account was deleted',
      name: null,
      paragraphs: [
        'Your account and everything it held were deleted, as you asked. This is the last email we send you.',
        'You are welcome back any time:',
      ],
      action: { label: 'Create an account', url: `${appUrl}/signup` },
    }),
});
