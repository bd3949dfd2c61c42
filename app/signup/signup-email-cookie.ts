// Carries the address to the "check your inbox" page without putting it in the URL, where it
// would end up in logs and browser history.
export const signupEmailCookie = {
  name: 'signup-email',
  options: { httpOnly: true, sameSite: 'lax', path: '/signup/check-inbox', maxAge: 60 * 60 },
} as const;
