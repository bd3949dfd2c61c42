import type { LinkProblemMessages } from '../link-problem.tsx';

export const invitationLinkMessages: LinkProblemMessages = {
  used: {
    title: 'This invitation has been used',
    body: 'Your account has its password already. Sign in with it, or set a new one if you have forgotten it.',
  },
  expired: {
    title: 'This invitation has expired',
    body: 'Invitation links work for 7 days. Your account is there: set its password with a reset link instead.',
  },
  invalid: {
    title: 'This link is not valid',
    body: 'It may have been copied incompletely. Open the link from the email again, or set your password with a reset link.',
  },
};

export const invitationNextStep = { href: '/forgot-password', label: 'Send me a link to set my password' };
