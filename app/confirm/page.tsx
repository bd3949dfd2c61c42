import type { Metadata } from 'next';
import { checkConfirmationToken } from '../../lib/accounts/confirm-email.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { ConfirmForm } from './confirm-form.tsx';
import { linkTokenSchema } from '../link-token-schema.ts';
import { TokenStatusMessage } from './token-status-message.tsx';

export const metadata: Metadata = { title: 'Confirm your email' };

/**
 * Opening the link only shows a button: mail scanners and link previews fetch URLs, so a GET must
 * not use the token up. The confirmation itself is the form's POST.
 */
export default async function ConfirmPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const parsed = linkTokenSchema.safeParse((await searchParams).token);
  if (!parsed.success) return <TokenStatusMessage status="invalid" />;

  const { db } = await getServices();
  const status = await checkConfirmationToken(db, parsed.data);
  if (status !== 'valid') return <TokenStatusMessage status={status} />;
  return <ConfirmForm token={parsed.data} />;
}
