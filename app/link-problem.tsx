import Link from 'next/link';
import type { TokenLinkStatus } from '../lib/tokens/tokens.server.ts';

export type LinkProblemStatus = Exclude<TokenLinkStatus, 'valid'>;

export type LinkProblemMessages = Record<LinkProblemStatus, { title: string; body: string }>;

/**
 * What an emailed link that cannot be used says instead (used, expired, or not valid: tampered with,
 * cut short, or superseded by a newer one), and the next step that gets a working one.
 */
export function LinkProblem({
  status,
  messages,
  next,
}: {
  status: LinkProblemStatus;
  messages: LinkProblemMessages;
  next: { href: string; label: string };
}) {
  const { title, body } = messages[status];
  return (
    <section aria-live="polite" data-status={status}>
      <h1>{title}</h1>
      <p>{body}</p>
      <p>
        <Link href={next.href}>{next.label}</Link>
      </p>
    </section>
  );
}
