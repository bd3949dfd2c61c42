import 'server-only';
import { z } from 'zod';

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
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(2),
    WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(8),
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(1).max(600).default(20),
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
      concurrency: env.WORKER_CONCURRENCY,
      batchSize: env.WORKER_BATCH_SIZE,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
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
