import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, errorStatus } from '../../errors.ts';
import { ConfigError, parseConfig, type Config } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { buildContext, openDatabase } from '../../runtime.ts';
import { migrateToLatest } from '../../adapters/db/database.ts';
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

export function loadConfig(): Config {
  return parseConfig(process.env, { isTTY: false });
}

export const cliLogger = (config: Config) => createLogger({ level: process.env.LOG_LEVEL ?? 'warn', pretty: false, destination: process.stderr as never });

/** Runs `fn` with an application context on the configured database, then closes it. */
/** Runs `fn` with an application context on the configured (or embedded) database; `db.url` is its connection string. */
export async function withContext<T>(fn: (ctx: AppContext, db: { url: string }) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', pretty: false, destination: process.stderr as never });
  const handle = await openDatabase(config, logger, { own: false, poolSize: 2, applicationName: 'housing365-cli' });
  try {
    await migrateToLatest(handle.db);
    const ctx = await buildContext(config, logger, handle.db, handle);
    return await fn(ctx, { url: handle.url });
  } finally {
    await handle.close();
  }
}

export const cliActor = () => ({ username: `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'unknown'}` });

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
