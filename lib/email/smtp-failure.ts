import { z } from 'zod';

export type SmtpFailure = {
  /** True when sending the same message again cannot succeed: the server refused this recipient or message. */
  permanent: boolean;
  /** The reply or error code, for the delivery record and logs; never message content or credentials. */
  reason: string;
};

// What nodemailer puts on the errors it throws: `responseCode` for an SMTP reply, `code` for the stage.
const smtpErrorSchema = z.object({ code: z.string().optional(), responseCode: z.number().int().optional() });

// Stages at which a 5xx reply concerns this message or recipient. A 5xx anywhere else (greeting,
// authentication) is the server's or our configuration's problem, which retries can outlast.
const messageStages = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Sorts a failed send into transient (4xx replies, timeouts, refused or dropped connections:
 * retry later) and permanent (a 5xx reply to the envelope or the message: do not retry).
 */
export function classifySmtpFailure(error: unknown): SmtpFailure {
  const parsed = smtpErrorSchema.safeParse(error);
  const { code, responseCode } = parsed.success ? parsed.data : {};
  const reason = [code, responseCode].filter((part) => part !== undefined).join(' ') || 'unknown error';
  const permanent =
    responseCode !== undefined && responseCode >= 500 && responseCode < 600 && messageStages.has(code ?? '');
  return { permanent, reason };
}
