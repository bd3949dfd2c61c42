import type { LinkProblemMessages } from '../link-problem.tsx';

/** What an email change link that cannot be used says, for the confirm and the cancel link alike. */
export const emailChangeLinkMessages: LinkProblemMessages = {
  used: {
    title: 'This link was used already',
    body: 'Each link works once. Your account page shows the address your account has now.',
  },
  expired: {
    title: 'This link has expired',
    body: 'Ask for the change again from your account page, and open the new link soon.',
  },
  invalid: {
    title: 'This link is not valid',
    body: 'It may have been copied incompletely, or a newer link was sent since: only the newest works.',
  },
};

export const emailChangeNextStep = { href: '/account', label: 'Go to your account' };
