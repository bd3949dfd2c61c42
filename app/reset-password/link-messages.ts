import type { LinkProblemMessages } from '../link-problem.tsx';

export const resetLinkMessages: LinkProblemMessages = {
  used: {
    title: 'This reset link was used already',
    body: 'Each link sets a password once. If you did not use it, or want to change the password again, ask for a new link.',
  },
  expired: {
    title: 'This reset link has expired',
    body: 'Reset links work for a short time only. Ask for a new one and use it soon.',
  },
  invalid: {
    title: 'This reset link is not valid',
    body: 'It may have been copied incompletely, or a newer link was sent since: only the newest works. Open the newest email, or ask for a new link.',
  },
};

export const resetNextStep = { href: '/forgot-password', label: 'Send me a new reset link' };
