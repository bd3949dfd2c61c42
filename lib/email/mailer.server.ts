import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { SmtpConfig } from '../config/config.server.ts';

export type Mailer = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

const connectionTimeoutMs = 5_000;
const greetingTimeoutMs = 5_000;
const socketTimeoutMs = 15_000;
// Connections the send window no longer needs (it shrank, or the burst passed) close this soon.
const idleTimeoutMs = 30_000;

/**
 * One pooled SMTP transport per worker process: reusing connections matters, since a server may
 * pause before greeting each new one (about 100 ms on a local catcher). An SMTP connection carries
 * one message at a time, so the pool may open one per email in flight: the send window (ADR 038)
 * decides how many that is, and the pool opens a connection only when a message finds none free.
 */
export function createMailer(smtp: SmtpConfig, maxInFlight: number): Mailer {
  return nodemailer.createTransport({
    ...(typeof smtp === 'string' ? { url: smtp } : smtp),
    pool: true,
    maxConnections: maxInFlight,
    idleTimeout: idleTimeoutMs,
    // A message whose connection closed under it fails at once instead of being sent again on
    // another: the job's own retry does that, after the claim (no second copy while the first may
    // have been accepted), and the send window hears of the failure.
    maxRequeues: 0,
    // Fail a stuck send well within the job's expiry, so the job is retried instead of held.
    connectionTimeout: connectionTimeoutMs,
    greetingTimeout: greetingTimeoutMs,
    socketTimeout: socketTimeoutMs,
  });
}
