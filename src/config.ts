import { z } from 'zod';

/** Environment of the operating contract (spec section 9), read once and validated. */
const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  TABLES_CONNECTION_STRING: z.string().optional(),
  TABLES_ACCOUNT_URL: z.string().url().optional(),
  TABLES_PREFIX: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,30}$/, 'letters and digits, starting with a letter, at most 31')
    .optional(),
  AZURITE_PORT: z.coerce.number().int().min(0).max(65535).default(10002),
  AZURITE_LOCATION: z.string().default('.data/azurite'),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  MicrosoftAppTenantId: z.string().default(''),
  TRACKING_PREFIX: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{0,9}$/, 'uppercase letters and digits, at most 10')
    .default('SUP'),
  TEST_CLOCK: z.string().optional(),
  SUPPORT_ADMINS: z.string().default(''),
  /** tenant ids whose activities are served, comma-separated; empty: every tenant */
  ALLOWED_TENANTS: z.string().default(''),
  AUTO_ASSIGN: z.enum(['0', '1', 'true', 'false', '']).default('0'),
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  OUTBOX_CLAIM_TTL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  SLA_SWEEP_MS: z.coerce.number().int().min(50).max(3_600_000).default(30_000),
  /** days a recurring problem looks back: tickets of one category with similar text in it group */
  RECURRING_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** tickets in a group before it is posted to the supervisors channel */
  RECURRING_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HMAC-SHA256 key of `POST /api/intake/email`; empty: the endpoint does not exist */
  EMAIL_INTAKE_SECRET: z
    .union([z.literal(''), z.string().min(16, 'at least 16 characters when set')])
    .optional(),
  /** the tenant e-mail tickets belong to; default MicrosoftAppTenantId, else "local" */
  EMAIL_INTAKE_TENANT_ID: z.string().max(128).optional(),
  /** where people reach the bot (export links); default http://localhost:<PORT> */
  PUBLIC_URL: z
    .union([
      z.literal(''),
      z
        .string()
        .url()
        .regex(/^https?:\/\/[^/?#]+(\/[^?#]*)?$/, 'an http(s) URL without query or fragment'),
    ])
    .optional(),
});

export interface Config {
  production: boolean;
  port: number;
  storage:
    | { kind: 'connectionString'; connectionString: string }
    | { kind: 'accountUrl'; accountUrl: string }
    | { kind: 'embedded'; port: number; location: string };
  tablePrefix: string;
  bot: { appId: string; appPassword: string; appType?: string; tenantId: string };
  /** No app id: requests are not authenticated (botbuilder skips JWT validation). */
  localMode: boolean;
  trackingPrefix: string;
  testClock: boolean;
  supportAdmins: string[];
  /** tenants the bot serves; empty: all. Activities from others get 403 and are logged. */
  allowedTenants: string[];
  logLevel: string;
  /** ms between outbox sweeps (retries; jobs whose first sender died) */
  outboxSweepMs: number;
  /** ms after which a job another instance claimed and did not finish is taken over */
  outboxClaimTtlMs: number;
  /** ms between sweeps of the due SLA timers */
  slaSweepMs: number;
  /** give new tickets to the least-loaded tier-1 agent (off by default) */
  autoAssign: boolean;
  /** recurring problems: the window (days) and the tickets that make a group worth posting */
  recurring: { windowDays: number; threshold: number };
  /** `POST /api/intake/email`: present only when a secret is set */
  emailIntake?: { secret: string; tenantId: string };
  /** the bot's public base URL without a trailing slash; undefined: http://localhost:<port> */
  publicUrl?: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG.INVALID';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.MicrosoftAppId) {
    throw new ConfigError(
      'MicrosoftAppId is empty: with NODE_ENV=production the bot refuses to start without ' +
        'credentials, because botbuilder skips all request authentication without an app id.',
    );
  }
  const storage: Config['storage'] = e.TABLES_CONNECTION_STRING
    ? { kind: 'connectionString', connectionString: e.TABLES_CONNECTION_STRING }
    : e.TABLES_ACCOUNT_URL
      ? { kind: 'accountUrl', accountUrl: e.TABLES_ACCOUNT_URL }
      : { kind: 'embedded', port: e.AZURITE_PORT, location: e.AZURITE_LOCATION };
  return {
    production,
    port: e.PORT,
    storage,
    tablePrefix: e.TABLES_PREFIX ?? '',
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
    },
    localMode: !e.MicrosoftAppId,
    trackingPrefix: e.TRACKING_PREFIX,
    testClock: !production && e.TEST_CLOCK === '1',
    supportAdmins: e.SUPPORT_ADMINS.split(/[\s,;]+/).filter(Boolean),
    allowedTenants: e.ALLOWED_TENANTS.split(/[\s,;]+/).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    outboxSweepMs: e.OUTBOX_SWEEP_MS,
    outboxClaimTtlMs: e.OUTBOX_CLAIM_TTL_MS,
    slaSweepMs: e.SLA_SWEEP_MS,
    autoAssign: e.AUTO_ASSIGN === '1' || e.AUTO_ASSIGN === 'true',
    recurring: { windowDays: e.RECURRING_WINDOW_DAYS, threshold: e.RECURRING_THRESHOLD },
    emailIntake: e.EMAIL_INTAKE_SECRET
      ? {
          secret: e.EMAIL_INTAKE_SECRET,
          // Local clients without a tenant share "local" (src/teams/turn.ts tenantOf).
          tenantId: e.EMAIL_INTAKE_TENANT_ID || e.MicrosoftAppTenantId || 'local',
        }
      : undefined,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : undefined,
  };
}
