import type { Metadata } from 'next';
import { checkEmailChangeToken } from '../../lib/accounts/change-email.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { LinkProblem, type LinkProblemStatus } from '../link-problem.tsx';
import { linkTokenSchema } from '../link-token-schema.ts';
import { TokenActionForm } from '../token-action-form.tsx';
import { confirmNewEmail } from './actions.ts';
import { emailChangeLinkMessages, emailChangeNextStep } from './link-messages.ts';

export const metadata: Metadata = { title: 'Confirm your new email' };

export default async function ConfirmEmailChangePage({
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
  const status = await checkEmailChangeToken(db, parsed.data, 'change-email');
  if (status !== 'valid') return problem(status);
  return (
    <TokenActionForm
      token={parsed.data}
      action={confirmNewEmail}
      title="Confirm your new email address"
      body="Press the button to move your account to this address."
      button="Confirm my new address"
      pendingLabel="Confirming…"
      messages={emailChangeLinkMessages}
      next={emailChangeNextStep}
    />
  );
}
