// Kept apart from the strength check so the sign-up form can show the limits without loading its dictionaries.
/** NIST SP 800-63B: at least 8 characters, and a generous maximum so passphrases fit. */
export const passwordMinLength = 8;
/** Bounds the work a single request can ask of the hash and the strength check. */
export const passwordMaxLength = 256;
