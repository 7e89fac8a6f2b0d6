import path from 'node:path';
import { z } from 'zod';

// Every setting housing365 reads from the environment, parsed once at start-up (STYLE.md: one zod
// schema, one message naming every bad variable). Inner modules receive `Config`; none reads
// process.env.
const yesNo = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    HOUSING365_EVENT_QUERY_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    HOUSING365_DATA_DIR: z.string().min(1).default('./var'),
    HOUSING365_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    HOUSING365_LICENCE_PUBLIC_KEY: z.string().min(1).optional(),
    // Bearer token Prometheus sends to scrape /metrics; without it /metrics answers 404.
    HOUSING365_METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters (e.g. openssl rand -hex 32)').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
    HOUSING365_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: yesNo.optional(),
    // The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: addresses, CIDRs or
    // proxy-addr's names (loopback, linklocal, uniquelocal), comma-separated. Unset: none.
    HOUSING365_TRUST_PROXY: z.string().regex(/^[0-9A-Za-z:.,/ ]+$/, 'must be addresses, CIDR ranges or loopback/linklocal/uniquelocal, comma-separated').optional(),
    COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
    PUBLIC_BASE_URL: z.string().url().optional(),
    AZURE_TENANT_ID: z.string().min(1).optional(),
    AZURE_CLIENT_ID: z.string().min(1).optional(),
    AZURE_CLIENT_SECRET: z.string().min(1).optional(),
    AZURE_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
    GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com/v1.0'),
    AZURE_AUTHORITY_HOST: z.string().url().default('https://login.microsoftonline.com'),
    GRAPH_CA_FILE: z.string().min(1).optional(),
    EXCHANGE_MAX_MESSAGE_MB: z.coerce.number().int('must be whole megabytes').min(1).max(150, 'Outlook takes no message over 150 MB').default(35),
  })
  .superRefine((env, ctx) => {
    const azure = [env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID].filter(Boolean).length;
    if (azure === 1) {
      ctx.addIssue({
        code: 'custom',
        path: [env.AZURE_TENANT_ID ? 'AZURE_CLIENT_ID' : 'AZURE_TENANT_ID'],
        message: 'AZURE_TENANT_ID and AZURE_CLIENT_ID must be set together',
      });
    }
    if (env.AZURE_TENANT_ID && !env.AZURE_CLIENT_SECRET && !env.AZURE_CLIENT_CERTIFICATE_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['AZURE_CLIENT_SECRET'],
        message: 'set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH with AZURE_TENANT_ID',
      });
    }
  });

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  /** Login for the event-query SQL sandbox role (docs/security-sql-and-files.md); made by us when absent. */
  eventQueryDatabaseUrl?: string;
  dataDir: string;
  adminPassword?: string;
  licencePublicKey?: string;
  dbPoolSize: number;
  /** The bearer token that opens /metrics; unset, /metrics is not served (404). */
  metricsToken?: string;
  logLevel: string;
  logPretty: boolean;
  cookieSecure: 'auto' | boolean;
  /** Proxies trusted for the client address and protocol (Fastify trustProxy); undefined trusts none. */
  trustProxy?: string;
  publicBaseUrl?: string;
  /**
   * The tenant's Exchange Online message size limit (EXCHANGE_MAX_MESSAGE_MB, default 35 MB as
   * Exchange ships; a tenant may raise it to 150 MB): outbound email over it is refused when queued.
   */
  maxMessageBytes: number;
  /** One event query statement's time-out (15 s when unset); not an environment variable — tests shorten it. */
  eventQueryTimeoutMs?: number;
  /** No Azure credentials: run the built-in Graph emulator with a demo tenant. */
  demoMode: boolean;
  azure: {
    tenantId?: string;
    clientId?: string;
    clientSecret?: string;
    clientCertificatePath?: string;
    graphBaseUrl: string;
    authorityHost: string;
    caFile?: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(env: NodeJS.ProcessEnv, opts: { isTTY?: boolean } = {}): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${String(i.path[0] ?? '(environment)')}: ${i.message}`),
    );
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    eventQueryDatabaseUrl: e.HOUSING365_EVENT_QUERY_DATABASE_URL,
    dataDir: path.resolve(e.HOUSING365_DATA_DIR),
    adminPassword: e.HOUSING365_ADMIN_PASSWORD,
    licencePublicKey: e.HOUSING365_LICENCE_PUBLIC_KEY,
    dbPoolSize: e.HOUSING365_DB_POOL_SIZE,
    metricsToken: e.HOUSING365_METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY ?? Boolean(opts.isTTY),
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    trustProxy: e.HOUSING365_TRUST_PROXY?.split(',').map((x) => x.trim()).filter(Boolean).join(',') || undefined,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    // Exchange's "MB" are binary: 35 MB is shown as 36,700,160 bytes.
    maxMessageBytes: e.EXCHANGE_MAX_MESSAGE_MB * 1024 * 1024,
    demoMode: !e.AZURE_TENANT_ID,
    azure: {
      tenantId: e.AZURE_TENANT_ID,
      clientId: e.AZURE_CLIENT_ID,
      clientSecret: e.AZURE_CLIENT_SECRET,
      clientCertificatePath: e.AZURE_CLIENT_CERTIFICATE_PATH,
      graphBaseUrl: e.GRAPH_BASE_URL,
      authorityHost: e.AZURE_AUTHORITY_HOST,
      caFile: e.GRAPH_CA_FILE,
    },
  };
}
