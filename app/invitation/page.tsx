import type { Metadata } from 'next';
import { checkInvitation } from '../../lib/accounts/accept-invitation.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { LinkProblem, type LinkProblemStatus } from '../link-problem.tsx';
import { linkTokenSchema } from '../link-token-schema.ts';
import { InvitationForm } from './invitation-form.tsx';
import { invitationLinkMessages, invitationNextStep } from './link-messages.ts';

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
  const parsed = linkTokenSchema.safeParse((await searchParams).token);
  const problem = (status: LinkProblemStatus) => (
    <LinkProblem status={status} messages={invitationLinkMessages} next={invitationNextStep} />
  );
  if (!parsed.success) return problem('invalid');
  const { db } = await getServices();
  const invitation = await checkInvitation(db, parsed.data);
  if (invitation.status !== 'valid') return problem(invitation.status);
  return <InvitationForm token={parsed.data} email={invitation.email} />;
}
