import type { ReceivedMessage } from '../../testing/smtp-sink.ts';

/** One email the SMTP server accepted more than once. */
export type Duplicate = {
  recipient: string;
  subject: string;
  copies: number;
  /** When the server accepted the first copy (ms since the epoch, the run's clock). */
  firstAcceptedAt: number;
  /**
   * How long after that acceptance the nearest worker kill came, if one came within the window;
   * negative for a kill after the message had arrived and before the server's answer.
   */
  killAfterMs?: number;
};

/**
 * The only duplicate the design allows (ADR 020, ADR 038): a worker killed after the SMTP server
 * had an email and before the worker's record of its acceptance was written, so that another
 * worker, finding no record, sends it again. The server has it once its last byte has arrived; a
 * worker killed from then on may never hear the 250 (on a busy machine the sink parses and answers
 * some tens of milliseconds later). So a duplicate is explained when a kill came after the first
 * copy arrived and within `windowMs` of its acceptance (the record is written on a connection of
 * its own within milliseconds; the window also covers a record retried while the database
 * restarts). Any other duplicate is a bug, whatever the count of kills.
 *
 * `slackMs` allows for the kill's signal and the sink's timestamps being taken a moment apart.
 */
export function findDuplicates(
  messages: readonly ReceivedMessage[],
  killTimes: readonly number[],
  { windowMs = 5_000, slackMs = 50 }: { windowMs?: number; slackMs?: number } = {},
): Duplicate[] {
  const groups = new Map<string, { recipient: string; subject: string; copies: ReceivedMessage[] }>();
  for (const message of messages) {
    const recipient = message.to && !Array.isArray(message.to) ? message.to.value[0]?.address : undefined;
    if (!recipient) continue;
    const subject = message.subject ?? '';
    const key = `${recipient}\n${subject}`;
    const group = groups.get(key) ?? { recipient, subject, copies: [] };
    group.copies.push(message);
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter((group) => group.copies.length > 1)
    .map(({ recipient, subject, copies }) => {
      const [first] = copies.toSorted((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
      const firstAcceptedAt = first!.receivedAt.getTime();
      const arrivedBefore = firstAcceptedAt - first!.arrivedAt.getTime();
      const after = killTimes
        .map((killedAt) => killedAt - firstAcceptedAt)
        .filter((offset) => offset >= -arrivedBefore - slackMs && offset <= windowMs);
      return {
        recipient,
        subject,
        copies: copies.length,
        firstAcceptedAt,
        ...(after.length > 0 ? { killAfterMs: Math.min(...after) } : {}),
      };
    });
}

export function describeDuplicate(duplicate: Duplicate, runStartedAt: number): string {
  const at = `accepted at +${((duplicate.firstAcceptedAt - runStartedAt) / 1000).toFixed(2)} s`;
  const why =
    duplicate.killAfterMs === undefined
      ? 'NO worker kill between its acceptance and its record: not explained'
      : duplicate.killAfterMs < 0
        ? `a worker killed ${-duplicate.killAfterMs} ms before its acceptance, after it had arrived (its 250 unheard): explained`
        : `a worker killed ${duplicate.killAfterMs} ms after its acceptance, before its record: explained`;
  return `${duplicate.recipient} "${duplicate.subject}" ×${duplicate.copies}, ${at}; ${why}`;
}
