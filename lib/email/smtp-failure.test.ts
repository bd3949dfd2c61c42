import { describe, expect, it } from 'vitest';
import { classifySmtpFailure } from './smtp-failure.ts';

function smtpError(code: string, responseCode?: number) {
  return Object.assign(new Error('the server said no'), { code, responseCode });
}

describe('classifySmtpFailure', () => {
  it('treats a 5xx reply to the recipient or the message as permanent', () => {
    expect(classifySmtpFailure(smtpError('EENVELOPE', 550))).toEqual({ permanent: true, reason: 'EENVELOPE 550' });
    expect(classifySmtpFailure(smtpError('EMESSAGE', 554)).permanent).toBe(true);
  });

  it('treats 4xx replies, timeouts and connection failures as transient', () => {
    expect(classifySmtpFailure(smtpError('EMESSAGE', 451))).toEqual({ permanent: false, reason: 'EMESSAGE 451' });
    expect(classifySmtpFailure(smtpError('ETIMEDOUT')).permanent).toBe(false);
    expect(classifySmtpFailure(smtpError('ECONNECTION')).permanent).toBe(false);
    expect(classifySmtpFailure(smtpError('ESOCKET')).permanent).toBe(false);
  });

  it('retries a 5xx that is about the server or our credentials rather than the message', () => {
    expect(classifySmtpFailure(smtpError('EAUTH', 535)).permanent).toBe(false);
  });

  it('treats anything else as transient', () => {
    expect(classifySmtpFailure(new Error('boom'))).toEqual({ permanent: false, reason: 'unknown error' });
    expect(classifySmtpFailure('not an error')).toEqual({ permanent: false, reason: 'unknown error' });
  });
});
