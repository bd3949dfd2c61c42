'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { deliveryStatusSchema, isFinal, type DeliveryStatus } from './delivery-status.ts';

const pollIntervalMs = 2_000;

/** The email's state as it changes, asked for every few seconds until it settles. */
export function DeliveryStatusMessage({ initial }: { initial: DeliveryStatus }) {
  const [status, setStatus] = useState(initial);

  useEffect(() => {
    if (isFinal(status)) return;
    const timer = setInterval(async () => {
      const parsed = await fetch('/signup/check-inbox/status', { cache: 'no-store' })
        .then((response) => response.json())
        .then((body: unknown) => deliveryStatusSchema.safeParse(body))
        // Offline for a moment: ask again at the next tick.
        .catch(() => undefined);
      // Unknown for a moment (the database restarting, say) is no news: keep what is shown.
      if (parsed?.success && parsed.data.status) setStatus(parsed.data.status);
    }, pollIntervalMs);
    return () => clearInterval(timer);
  }, [status]);

  return (
    <p role="status" aria-live="polite" data-status={status ?? 'unknown'}>
      <StatusText status={status} />
    </p>
  );
}

function StatusText({ status }: { status: DeliveryStatus }) {
  switch (status) {
    case 'queued':
      return <>Your email is queued and leaves in a moment.</>;
    case 'sending':
      return <>Sending your email now…</>;
    case 'retrying':
      return <>The mail server is slow to take it; we keep trying. Nothing for you to do.</>;
    case 'sent':
      return <>Sent. Open the link in the email to confirm your address.</>;
    case 'skipped':
      return <>No email needed: this address is already confirmed.</>;
    case 'failed':
      return (
        <>
          We could not deliver the email. Check that the address is right and <Link href="/signup">sign up again</Link>,
          or <Link href="/resend">send a new link</Link>.
        </>
      );
    case null:
      return <>Your email is on its way.</>;
  }
}
