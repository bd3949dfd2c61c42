import type { Metadata } from 'next';
import { checkEmailChangeToken } from '../../lib/accounts/change-email.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { cancelChange } from '../confirm-email-change/actions.ts';
import { emailChangeLinkMessages, emailChangeNextStep } from '../confirm-email-change/link-messages.ts';
import { LinkProblem, type LinkProblemStatus } from '../link-problem.tsx';
import { linkTokenSchema } from '../link-token-schema.ts';
import { TokenActionForm } from '../token-action-form.tsx';

export const metadata: Metadata = { title: 'Cancel the email change' };

export default async function CancelEmailChangePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const parsed = linkTokenSchema.safeParse((await searchParams).token);
  const problem = (status: LinkProblemStatus) => (
    <LinkProblem status={status} messages={emailChangeLinkMessages} next={emailChangeNextStep} />
  );
  if (!parsed.success) return problem('invalid');
  const { db } = await getServices();
  const status = await checkEmailChangeToken(db, parsed.data, 'cancel-email-change');
  if (status !== 'valid') return problem(status);
  return (
    <TokenActionForm
      token={parsed.data}
      action={cancelChange}
      title="Cancel the change of your email address"
      body="Press the button to keep your account at this address. Every device signed in to your account will be signed out."
      button="Cancel the change"
      pendingLabel="Cancelling…"
      messages={emailChangeLinkMessages}
      next={emailChangeNextStep}
    />
  );
}
