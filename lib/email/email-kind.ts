import type { TokenPurpose } from '../tokens/tokens.server.ts';
import type { RenderedEmail } from './render.ts';

/** What a kind's template gets: whom it writes to and, if the kind carries one, its link. */
export type EmailInput = {
  name: string | null;
  /** The kind's single-use link, issued as the email leaves, when it has one now. */
  link?: { url: string; expiresAt: Date };
  appUrl: string;
};

/**
 * A kind of email: its template and the rules the outbox applies to it. A new kind is a file that
 * defines one and a line in email-kinds.ts.
 */
export type EmailKindDefinition = {
  /** Sent only while the recipient's address is unconfirmed; skipped once it is. */
  onlyWhileUnconfirmed?: boolean;
  /**
   * The single-use token its link carries, issued when the email is sent (so a backlog cannot eat
   * its lifetime) and made the only one of its purpose that works. With `onlyWhileUnconfirmed`, none
   * is issued for a confirmed address.
   */
  token?: { purpose: TokenPurpose; path: string; onlyWhileUnconfirmed?: boolean };
  /**
   * A withheld email of this kind (its address had its share of emails) reads as sent on the
   * sign-up's status page: anything else would tell a stranger that the address has an account.
   */
  withheldReadsAsSent?: boolean;
  render(input: EmailInput): RenderedEmail;
};

export function defineEmailKind(definition: EmailKindDefinition): EmailKindDefinition {
  return definition;
}
