// The CLI's composition root (as runtime.ts is the server's): the database session and Graph connection
// a `housing365 …` command works with, whether or not `housing365 start` is running. Commands in
// src/transport/cli call these and the use cases in src/app; they never reach adapters themselves.
import { migrateToLatest } from './adapters/db/database.ts';
import { createSlotDb } from './adapters/db/mailbox-slots.ts';
import { connectGraph } from './adapters/graph/connect.ts';
import { MailboxSlots } from './adapters/graph/mailbox-slots.ts';
import type { AppContext } from './app/context.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { buildContext, openDatabase } from './runtime.ts';

export interface CliSession {
  ctx: AppContext;
  /** Connection string of the database in use (embedded or DATABASE_URL). */
  url: string;
  close(): Promise<void>;
}

/** A context on the configured (or embedded) database, migrated to the current schema. */
export async function openCliSession(config: Config, logger: Logger): Promise<CliSession> {
  const handle = await openDatabase(config, logger, { own: false, poolSize: 2, applicationName: 'housing365-cli' });
  try {
    await migrateToLatest(handle.db);
    const ctx = await buildContext(config, logger, handle.db, handle);
    return { ctx, url: handle.url, close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Applies the database migrations; the names applied (none when the schema is current). */
export async function migrateConfiguredDatabase(config: Config, logger: Logger): Promise<string[]> {
  const handle = await openDatabase(config, logger, { own: false, poolSize: 2 });
  try {
    return (await migrateToLatest(handle.db)).applied;
  } finally {
    await handle.close();
  }
}

/**
 * Runs `fn` with Graph connected: the tenant, or the demo emulator (the running one when `housing365
 * start` is up). `sharedSlots`: lease Graph's per-mailbox slots from the same table as every running
 * worker, so together they never exceed 4 requests in flight per mailbox (long work like a resync).
 */
export async function withGraph<T>(session: CliSession, logger: Logger, opts: { sharedSlots?: boolean }, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const slotDb = opts.sharedSlots ? createSlotDb(session.url, 1) : undefined;
  const slots = slotDb ? new MailboxSlots(slotDb.db) : undefined;
  try {
    const conn = await connectGraph(session.ctx.config, logger, slots ? { limiter: slots } : {});
    try {
      return await fn({ ...session.ctx, graph: conn.graph, integration: conn.integration });
    } finally {
      await conn.stop();
    }
  } finally {
    await slots?.close();
    await slotDb?.close();
  }
}

// Start-up duties of the data directory and the embedded server that CLI commands need (serve,
// worker, start): re-exported here so transports keep to the composition roots.
export { PRIVATE_UMASK, secureDataDir } from './adapters/data-dir.ts';
export { stopOwnedEmbeddedServerNow } from './adapters/db/embedded.ts';
