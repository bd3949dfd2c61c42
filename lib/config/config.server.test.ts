import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.server.ts';

describe('loadConfig', () => {
  it('defaults to the local development stack', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: 'postgresql://postgres:postgres@127.0.0.1:54329/signup',
      smtp: { host: '127.0.0.1', port: 1025, secure: false, auth: undefined },
      mailFrom: 'Sign-up <no-reply@localhost>',
      appUrl: 'http://localhost:3000',
      worker: { maxEmailsInFlight: 100, shutdownGraceMs: 20_000 },
      emailSendRatePerSecond: undefined,
      housekeeping: {
        schedule: '17 3 * * *',
        unconfirmedAccountMs: 7 * 24 * 60 * 60 * 1000,
        finishedImportMs: 30 * 24 * 60 * 60 * 1000,
      },
      sessions: { idleMs: 10 * 24 * 60 * 60 * 1000, absoluteMs: 30 * 24 * 60 * 60 * 1000, secureCookie: false },
      tokenLifetimes: { 'reset-password': 60 * 60 * 1000 },
      bulkEmailSendRatePerSecond: undefined,
      imports: {
        maxBytes: 100 * 1024 * 1024,
        maxRows: 500_000,
        metadataWaitSeconds: 3600,
        chunkRows: 1000,
        processing: 'deferred',
      },
      signupEmailDelivery: 'deferred',
      clientIp: { header: 'x-forwarded-for', hops: 1 },
      rateLimits: { signupsPerMinute: 600, signupsPerClientPer10Minutes: 20 },
    });
  });

  it('takes a global send rate and a housekeeping schedule, and refuses what is not one', () => {
    expect(loadConfig({ EMAIL_SEND_RATE_PER_SECOND: '50', HOUSEKEEPING_SCHEDULE: '0 * * * *' })).toMatchObject({
      emailSendRatePerSecond: 50,
      housekeeping: { schedule: '0 * * * *' },
    });
    expect(() => loadConfig({ EMAIL_SEND_RATE_PER_SECOND: '0' })).toThrow(/EMAIL_SEND_RATE_PER_SECOND/);
    expect(() => loadConfig({ HOUSEKEEPING_SCHEDULE: 'daily' })).toThrow(/HOUSEKEEPING_SCHEDULE/);
  });

  it('takes the client address header from configuration, never from a guess', () => {
    expect(loadConfig({ TRUSTED_PROXY_IP_HEADER: 'X-Real-IP', TRUSTED_PROXY_HOPS: '2' }).clientIp).toEqual({
      header: 'x-real-ip',
      hops: 2,
    });
    expect(() => loadConfig({ TRUSTED_PROXY_IP_HEADER: 'x-real-ip: 1.2.3.4' })).toThrow(/TRUSTED_PROXY_IP_HEADER/);
  });

  it('prefers SMTP_URL, else builds the transport from its parts', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example:465' }).smtp).toBe('smtps://u:p@mail.example:465');
    expect(
      loadConfig({ SMTP_HOST: 'mail.example', SMTP_PORT: '587', SMTP_USER: 'u', SMTP_PASS: 'p', SMTP_SECURE: 'false' })
        .smtp,
    ).toEqual({ host: 'mail.example', port: 587, secure: false, auth: { user: 'u', pass: 'p' } });
  });

  it('drops a trailing slash from APP_URL so links are built cleanly', () => {
    expect(loadConfig({ APP_URL: 'https://app.example/' }).appUrl).toBe('https://app.example');
  });

  it('selects the baseline that sends the email in the request only when asked to', () => {
    expect(loadConfig({ SIGNUP_EMAIL_DELIVERY: 'in-request' }).signupEmailDelivery).toBe('in-request');
    expect(() => loadConfig({ SIGNUP_EMAIL_DELIVERY: 'later' })).toThrow(/SIGNUP_EMAIL_DELIVERY/);
  });

  it('names every bad variable without echoing its value', () => {
    const load = () => loadConfig({ DATABASE_URL: 'secret-not-a-url', SMTP_PORT: 'seventy', SMTP_MAX_IN_FLIGHT: '0' });
    expect(load).toThrow(/DATABASE_URL/);
    expect(load).toThrow(/SMTP_PORT/);
    expect(load).toThrow(/SMTP_MAX_IN_FLIGHT/);
    expect(load).not.toThrow(/secret-not-a-url/);
  });
});
