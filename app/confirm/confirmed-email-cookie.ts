// The address just confirmed in this browser, so the sign-in page it links to has it filled in.
// Readable only by that page, and only for a few minutes; the address never goes into a URL.
export const confirmedEmailCookie = {
  name: 'confirmed-email',
  options: { httpOnly: true, sameSite: 'lax', path: '/sign-in', maxAge: 10 * 60 },
} as const;
