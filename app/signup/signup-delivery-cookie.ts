// Ties the "check your inbox" page to the browser that signed up: the cookie holds the random id of
// the email's delivery record, never the address, so nothing about the account is in the URL, and
// the page looks the same for a new address and one that already had an account.
export const signupDeliveryCookie = {
  name: 'signup-delivery',
  options: { httpOnly: true, sameSite: 'lax', path: '/signup/check-inbox', maxAge: 60 * 60 },
} as const;
