import type { Metadata } from 'next';
import { checkInvitation } from '../../lib/accounts/accept-invitation.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { confirmationTokenSchema } from '../confirm/confirmation-token-schema.ts';
import { InvitationForm } from './invitation-form.tsx';
import { InvitationStatusMessage } from './invitation-status-message.tsx';

export const metadata: Metadata = { title: 'Choose your password' };

/**
 * Opening the link only shows the form: mail scanners and link previews fetch URLs, so a GET must
 * not use the invitation up. The password is set by the form's POST.
 */
export default async function InvitationPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const parsed = confirmationTokenSchema.safeParse((await searchParams).token);
  if (!parsed.success) return <InvitationStatusMessage status="invalid" />;
  const { db } = await getServices();
  const invitation = await checkInvitation(db, parsed.data);
  if (invitation.status !== 'valid') return <InvitationStatusMessage status={invitation.status} />;
  return <InvitationForm token={parsed.data} email={invitation.email} />;
}
