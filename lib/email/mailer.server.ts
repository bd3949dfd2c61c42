import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { SmtpConfig } from '../config/config.server.ts';

export type Mailer = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

const connectionTimeoutMs = 5_000;
const greetingTimeoutMs = 5_000;
const socketTimeoutMs = 15_000;

/**
 * One pooled SMTP transport per worker process: reusing connections matters, since a server may
 * pause before greeting each new one (about 100 ms on a local catcher).
 */
export function createMailer(smtp: SmtpConfig): Mailer {
  return nodemailer.createTransport({
    ...(typeof smtp === 'string' ? { url: smtp } : smtp),
    pool: true,
    maxConnections: 5,
    // Fail a stuck send well within the job's expiry, so the job is retried instead of held.
    connectionTimeout: connectionTimeoutMs,
    greetingTimeout: greetingTimeoutMs,
    socketTimeout: socketTimeoutMs,
  });
}
