// The reset link's token, moved out of the URL into a cookie by proxy.ts so that the page with the
// form has no token in its address: not in the history, not in a Referer, not in a screenshot. Sent
// only to /reset-password; its lifetime is the longest PASSWORD_RESET_MINUTES allows (the token's own
// expiry decides).
export const resetTokenCookie = {
  name: 'reset-token',
  options: { httpOnly: true, sameSite: 'lax', path: '/reset-password', maxAge: 24 * 60 * 60 },
} as const;
