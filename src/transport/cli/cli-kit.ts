import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, errorStatus } from '../../errors.ts';
import { ConfigError, parseConfig, type Config } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { openCliSession, withGraph } from '../../cli-session.ts';
import type { AppContext } from '../../app/context.ts';

// Small helpers every CLI command shares: argument parsing with a one-line reason on bad input,
// `--help`, and a database session that works whether or not `housing365 start` is running.

export class UsageError extends Error {}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number | void>;
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}\nusage: ${usage}`);
  }
}

// The environment is read here once per command, as the server reads it once in its entry: the
// settings through the one config schema, the CLI's own log level (warnings and worse unless LOG_LEVEL
// says otherwise) and who is running the command, for the audit trail.
interface CliEnvironment {
  config: Config;
  cliLogLevel: string;
  operator: string;
}
let environment: CliEnvironment | undefined;
function cliEnvironment(): CliEnvironment {
  if (!environment) {
    const env = process.env;
    const config = parseConfig(env, { isTTY: false });
    environment = { config, cliLogLevel: env.LOG_LEVEL ? config.logLevel : 'warn', operator: env.SUDO_USER ?? env.USER ?? safeUserName() };
  }
  return environment;
}
const safeUserName = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

export function loadConfig(): Config {
  return cliEnvironment().config;
}

export const cliLogger = () => createLogger({ level: cliEnvironment().cliLogLevel, pretty: false, destination: process.stderr as never });

/** Runs `fn` with an application context on the configured (or embedded) database, then closes it. */
export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const session = await openCliSession(config, cliLogger());
  try {
    return await fn(session.ctx);
  } finally {
    await session.close();
  }
}

/**
 * withContext plus Graph: the tenant, or the demo emulator (the running one when `housing365 start` is
 * up). `sharedSlots` for long work beside running workers (Graph's 4-per-mailbox limit is shared).
 */
export async function withGraphContext<T>(fn: (ctx: AppContext) => Promise<T>, opts: { sharedSlots?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const logger = cliLogger();
  const session = await openCliSession(config, logger);
  try {
    return await withGraph(session, logger, opts, fn);
  } finally {
    await session.close();
  }
}

export const cliActor = () => ({ username: `cli:${cliEnvironment().operator}` });

/** Prints rows as an aligned table, or JSON with --json. */
export function printTable(rows: Array<Record<string, unknown>>, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));
  const widths = cols.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, 60).padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(cols.map((c) => c.toUpperCase())));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

/** Maps any error to a one-line reason on stderr and an exit code. */
export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    console.error(`housing365: ${err.message}`);
    return 64;
  }
  if (err instanceof ConfigError) {
    console.error(`housing365: ${err.message}`);
    return 78;
  }
  if (err instanceof AppError) {
    const field = err.fields[0]?.field;
    console.error(`housing365: ${err.message}${field && !err.message.includes(field) ? ` (${field})` : ''}`);
    return errorStatus[err.code].exit;
  }
  console.error(`housing365: ${(err as Error)?.message ?? String(err)}`);
  return 1;
}
