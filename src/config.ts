import { z } from 'zod'

/**
 * Every setting Hearth reads, parsed once at start-up. The README's settings table is
 * checked against `settings` by a test, so a new setting must be documented there too.
 */

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')

const positiveInt = z.coerce.number().int().positive()

export const settings = {
  NODE_ENV: {
    schema: z.enum(['development', 'test', 'production']).default('development'),
    description: 'development, test or production. Production refuses unsafe settings.',
  },
  HOST: { schema: z.string().min(1).default('127.0.0.1'), description: 'Address to listen on.' },
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3000), description: 'Port to listen on.' },
  PUBLIC_URL: {
    schema: z.url().optional(),
    description: 'The address people use to reach Hearth, used in set-up links. Defaults to http://HOST:PORT.',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    description: 'A PostgreSQL server to use. Unset: the embedded database (PGlite) in HEARTH_DATA_DIR.',
  },
  HEARTH_DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    description: 'Folder for the embedded database (used only when DATABASE_URL is unset).',
  },
  HEARTH_PROGRAMMES_DIR: {
    schema: z.string().min(1).optional(),
    description: 'Folder of programme definition files. Unset: the programmes/ folder that comes with Hearth.',
  },
  DATABASE_POOL_SIZE: { schema: positiveInt.default(10), description: 'Most connections to PostgreSQL at once.' },
  DATABASE_STATEMENT_TIMEOUT_MS: {
    schema: positiveInt.default(30_000),
    description: 'PostgreSQL cancels a statement (and a transaction left idle) after this long.',
  },
  SESSION_SECRET: {
    schema: z.string().min(1).optional(),
    description: 'Signs session cookies; at least 32 characters. Required in production.',
  },
  SESSION_IDLE_MINUTES: { schema: positiveInt.default(30), description: 'Sign out after this long without a request.' },
  SESSION_ABSOLUTE_HOURS: {
    schema: positiveInt.default(10),
    description: 'Sign out this long after signing in, however active.',
  },
  SECURE_COOKIES: {
    schema: bool.optional(),
    description: 'Send cookies over HTTPS only. Defaults to true in production; must not be false there.',
  },
  TRUST_PROXY: {
    schema: z.string().optional(),
    description: "Express 'trust proxy' value when Hearth runs behind a proxy (e.g. 1 or loopback).",
  },
  SIGN_IN_RATE_LIMIT: {
    schema: positiveInt.default(20),
    description: 'Sign-in attempts allowed from one address in 15 minutes.',
  },
  REFERRAL_RATE_LIMIT: {
    schema: positiveInt.default(10),
    description: 'Referrals that can be sent from one address in an hour on the public form.',
  },
  LOCKOUT_ATTEMPTS: { schema: positiveInt.default(10), description: 'Failed sign-ins that lock an account.' },
  LOCKOUT_MINUTES: { schema: positiveInt.default(15), description: 'How long a locked account stays locked.' },
  BODY_LIMIT: { schema: z.string().default('100kb'), description: 'Largest request body accepted (413 above).' },
  SETUP_LINK_HOURS: {
    schema: positiveInt.default(72),
    description: 'How long a set-up or password link stays valid.',
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    description: 'Send email through this SMTP server, e.g. smtp://user:pass@mail.example.org:587.',
  },
  MAIL_FROM: {
    schema: z.string().min(3).default('Hearth <hearth@localhost>'),
    description: 'The From address of email Hearth sends by SMTP.',
  },
  NOTIFY_API_KEY: {
    schema: z.string().min(74).optional(),
    description: 'Send email through GOV.UK Notify with this API key (instead of SMTP).',
  },
  NOTIFY_BASE_URL: {
    schema: z.url().default('https://api.notifications.service.gov.uk'),
    description: 'GOV.UK Notify API address.',
  },
  NOTIFY_TEMPLATE_ID: {
    schema: z.uuid().optional(),
    description: 'A Notify email template with ((subject)) and ((body)) placeholders.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'Log level. Logs never carry personal data.',
  },
} as const

type Settings = typeof settings
export type RawConfig = { [K in keyof Settings]: z.output<Settings[K]['schema']> }

export interface Config extends RawConfig {
  production: boolean
  publicUrl: string
  secureCookies: boolean
  sessionSecret: string
  sessionSecretGenerated: boolean
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Hearth cannot start: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

const KNOWN_WEAK_SECRETS = ['changeme', 'secret', 'development', 'hearth']

export function loadConfig(env: NodeJS.ProcessEnv = process.env, randomSecret = defaultRandomSecret): Config {
  const shape = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.schema]))
  const input = Object.fromEntries(Object.keys(settings).map((k) => [k, env[k] === '' ? undefined : env[k]])) as Record<
    string,
    unknown
  >
  const parsed = z.object(shape).safeParse(input)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`))
  }
  const raw = parsed.data as RawConfig
  const production = raw.NODE_ENV === 'production'
  const problems: string[] = []
  if (raw.SESSION_SECRET && raw.SESSION_SECRET.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters')
  }
  if (raw.SESSION_SECRET && KNOWN_WEAK_SECRETS.includes(raw.SESSION_SECRET.toLowerCase())) {
    problems.push('SESSION_SECRET is a well-known value')
  }
  if (production) {
    if (!raw.SESSION_SECRET) problems.push('SESSION_SECRET is required in production')
    if (raw.SECURE_COOKIES === false) problems.push('SECURE_COOKIES cannot be false in production')
    if (!raw.PUBLIC_URL) problems.push('PUBLIC_URL is required in production')
    else if (!raw.PUBLIC_URL.startsWith('https://')) problems.push('PUBLIC_URL must use https in production')
    if (raw.LOG_LEVEL === 'debug' || raw.LOG_LEVEL === 'trace') {
      problems.push('LOG_LEVEL debug and trace are not allowed in production')
    }
  }
  if (raw.NOTIFY_API_KEY && !raw.NOTIFY_TEMPLATE_ID) problems.push('NOTIFY_TEMPLATE_ID is needed with NOTIFY_API_KEY')
  if (problems.length > 0) throw new ConfigError(problems)

  return {
    ...raw,
    production,
    publicUrl: (raw.PUBLIC_URL ?? `http://${raw.HOST === '0.0.0.0' ? 'localhost' : raw.HOST}:${raw.PORT}`).replace(
      /\/$/,
      '',
    ),
    secureCookies: raw.SECURE_COOKIES ?? production,
    sessionSecret: raw.SESSION_SECRET ?? randomSecret(),
    sessionSecretGenerated: !raw.SESSION_SECRET,
  }
}

function defaultRandomSecret(): string {
  return crypto.randomUUID() + crypto.randomUUID()
}
