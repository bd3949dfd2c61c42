'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { endOtherSessions, endSession } from '../../lib/accounts/sessions.server.ts';
import { getServices } from '../../lib/services.server.ts';
import { clearSessionCookie, currentSession } from '../session.server.ts';

/** Signs this browser out. */
export async function signOut(): Promise<void> {
  const session = await currentSession();
  if (session) {
    const { db } = await getServices();
    await endSession(db, session.user.id, session.sessionId);
  }
  await clearSessionCookie();
  redirect('/sign-in');
}

const sessionIdSchema = z.object({ sessionId: z.uuid() });

/** Signs one of the user's other sessions out (another device, or a stolen cookie). */
export async function signOutSession(formData: FormData): Promise<void> {
  const session = await currentSession();
  if (!session) redirect('/sign-in?next=/account');
  const parsed = sessionIdSchema.safeParse(Object.fromEntries(formData));
  if (parsed.success) {
    const { db } = await getServices();
    // Only the user's own: an id of someone else's session matches nothing.
    await endSession(db, session.user.id, parsed.data.sessionId);
  }
  redirect('/account');
}

export async function signOutEverywhereElse(): Promise<void> {
  const session = await currentSession();
  if (!session) redirect('/sign-in?next=/account');
  const { db } = await getServices();
  await endOtherSessions(db, session.user.id, session.sessionId);
  redirect('/account');
}
