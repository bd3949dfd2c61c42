import 'server-only';
import { z } from 'zod';

const day = 24 * 60 * 60 * 1000;

// Development defaults point at what `npm run dev` starts: the embedded PostgreSQL and the mail catcher.
const configSchema = z
  .object({
    DATABASE_URL: z
      .url({ message: 'DATABASE_URL must be a postgresql:// URL' })
      .default('postgresql://postgres:postgres@127.0.0.1:54329/signup'),
    SMTP_URL: z.url({ message: 'SMTP_URL must be a URL such as smtps://user:pass@smtp.example.com:465' }).optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASS: z.string().min(1).optional(),
    SMTP_SECURE: z.stringbool().optional(),
    MAIL_FROM: z.string().min(3).default('Sign-up <no-reply@localhost>'),
    APP_URL: z
      .url({ message: 'APP_URL must be the public URL of the app, such as https://example.com' })
      .default('http://localhost:3000'),
    // The most emails one worker has in flight; below it the number adapts to how the SMTP server
    // copes (ADR 038). Each is an SMTP connection of the worker's pool while it lasts.
    SMTP_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(100),
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(1).max(600).default(20),
    // 'in-request' is the BASELINE the benchmark measures against, the design this app replaces: the
    // web process sends the email before it answers. Never the default; not for production.
    SIGNUP_EMAIL_DELIVERY: z.enum(['deferred', 'in-request']).default('deferred'),
    // Where the client's address comes from: the header the reverse proxy in front of the app sets,
    // and how many proxies appended to it. `next start` on its own keeps an X-Forwarded-For the
    // client sent, so without such a proxy a client can pick its address (the global limit still holds).
    TRUSTED_PROXY_IP_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'TRUSTED_PROXY_IP_HEADER must be a header name such as x-real-ip')
      .default('x-forwarded-for'),
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    SIGNUP_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    SIGNUP_LIMIT_PER_CLIENT: z.coerce.number().int().min(1).default(20),
    // Emails per second all workers together hand to the SMTP server; unset, as fast as it takes them.
    EMAIL_SEND_RATE_PER_SECOND: z.coerce.number().int().min(1).optional(),
    SESSION_IDLE_DAYS: z.coerce.number().positive().max(365).default(10),
    SESSION_ABSOLUTE_DAYS: z.coerce.number().positive().max(365).default(30),
    PASSWORD_RESET_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(60),
    // Accounts whose address was never confirmed are deleted this long after sign-up.
    UNCONFIRMED_ACCOUNT_DAYS: z.coerce.number().positive().max(365).default(7),
    // Emails per second all workers together hand to the SMTP server for bulk imports (invitations and
    // the confirmations an import asks for): their own queue and budget beside EMAIL_SEND_RATE_PER_SECOND,
    // so sign-ups keep theirs. Unset, as fast as the bulk lane's one fetch loop per worker sends.
    BULK_EMAIL_SEND_RATE_PER_SECOND: z.coerce.number().int().min(1).optional(),
    // The largest upload the import endpoint stores (bytes), the most rows a file may have, and how
    // long (seconds) an import waits for its metadata before it expires.
    IMPORT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      // The byte count is a 32-bit column.
      .max(2 ** 31 - 1)
      .default(100 * 1024 * 1024),
    IMPORT_MAX_ROWS: z.coerce.number().int().min(1).default(500_000),
    IMPORT_METADATA_WAIT: z.coerce.number().int().min(1).default(3600),
    // Rows committed per transaction: each chunk's users, outcomes and emails commit together.
    IMPORT_CHUNK_ROWS: z.coerce.number().int().min(1).max(10_000).default(1000),
    // 'in-request' is the BASELINE the uploader benchmark measures against, the design imports replace:
    // the web process parses the file before it answers the upload and commits its rows before it
    // answers the metadata. Never the default; not for production.
    IMPORT_PROCESSING: z.enum(['deferred', 'in-request']).default('deferred'),
    // Finished imports (their rows' outcomes, addresses of failed rows included) are deleted this long after.
    IMPORT_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
    // When the clean-up of dead tokens and old rate-limit counters runs: a cron expression, in UTC.
    HOUSEKEEPING_SCHEDULE: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'HOUSEKEEPING_SCHEDULE must be a cron expression of five fields, such as 0 3 * * *')
      .default('17 3 * * *'),
  })
  .transform((env) => ({
    databaseUrl: env.DATABASE_URL,
    smtp: env.SMTP_URL ?? {
      host: env.SMTP_HOST ?? '127.0.0.1',
      port: env.SMTP_PORT ?? 1025,
      secure: env.SMTP_SECURE ?? false,
      auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASS ?? '' } : undefined,
    },
    mailFrom: env.MAIL_FROM,
    appUrl: env.APP_URL.replace(/\/+$/, ''),
    worker: {
      maxEmailsInFlight: env.SMTP_MAX_IN_FLIGHT,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    },
    emailSendRatePerSecond: env.EMAIL_SEND_RATE_PER_SECOND,
    housekeeping: {
      schedule: env.HOUSEKEEPING_SCHEDULE,
      unconfirmedAccountMs: env.UNCONFIRMED_ACCOUNT_DAYS * day,
      finishedImportMs: env.IMPORT_RETENTION_DAYS * day,
    },
    sessions: {
      idleMs: env.SESSION_IDLE_DAYS * day,
      absoluteMs: env.SESSION_ABSOLUTE_DAYS * day,
      // https: the cookie gets the __Host- prefix and Secure; plain http (local development) cannot.
      secureCookie: env.APP_URL.startsWith('https:'),
    },
    // How long the links the emails carry work, where it is configurable (lib/tokens has the defaults).
    tokenLifetimes: { 'reset-password': env.PASSWORD_RESET_MINUTES * 60 * 1000 },
    bulkEmailSendRatePerSecond: env.BULK_EMAIL_SEND_RATE_PER_SECOND,
    imports: {
      maxBytes: env.IMPORT_MAX_BYTES,
      maxRows: env.IMPORT_MAX_ROWS,
      metadataWaitSeconds: env.IMPORT_METADATA_WAIT,
      chunkRows: env.IMPORT_CHUNK_ROWS,
      processing: env.IMPORT_PROCESSING,
    },
    signupEmailDelivery: env.SIGNUP_EMAIL_DELIVERY,
    clientIp: { header: env.TRUSTED_PROXY_IP_HEADER.toLowerCase(), hops: env.TRUSTED_PROXY_HOPS },
    rateLimits: {
      signupsPerMinute: env.SIGNUP_LIMIT_PER_MINUTE,
      signupsPerClientPer10Minutes: env.SIGNUP_LIMIT_PER_CLIENT,
    },
  }));

export type Config = z.infer<typeof configSchema>;
export type SmtpConfig = Config['smtp'];

/** Parses the environment, or throws one error listing every bad variable (never their values). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
