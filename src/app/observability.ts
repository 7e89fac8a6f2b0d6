import { pendingMigrations, ping } from '../adapters/db/database.ts';
import { selectFailedJobCounts, selectOutboxDepth, selectSyncLag } from '../adapters/db/metrics-gauges.ts';
import { addMailboxStats, type MailboxDelta } from '../adapters/db/subscriptions-stats.ts';
import type { AppContext } from './context.ts';

// What /metrics and the Integration page read from the database. The gauges themselves (prom-client)
// live in transport/http; the figures come from here.

export type { MailboxDelta };

export interface GaugeFigures {
  syncLag: Array<{ flow: 'inbox' | 'calendar'; lag: number | null }>;
  outboxDepth: Array<{ outbox: 'email' | 'calendar'; n: number }>;
  failedJobs: Array<{ name: string; n: number }>;
}

export const readSyncLag = (ctx: AppContext): Promise<GaugeFigures['syncLag']> => selectSyncLag(ctx.db);
export const readOutboxDepth = (ctx: AppContext): Promise<GaugeFigures['outboxDepth']> => selectOutboxDepth(ctx.db);
export const readFailedJobs = (ctx: AppContext): Promise<GaugeFigures['failedJobs']> => selectFailedJobCounts(ctx.db);

/** Adds a process's per-mailbox Graph figures to the shared daily counts (fails soft). */
export async function recordMailboxStats(ctx: Pick<AppContext, 'db'>, deltas: MailboxDelta[]): Promise<void> {
  await addMailboxStats(ctx.db, deltas).catch(() => {});
}

/** Readiness of the database: it answers, and which shipped migrations are not applied yet. */
export async function databaseReadiness(ctx: Pick<AppContext, 'db'>): Promise<{ pending: string[] }> {
  await ping(ctx.db);
  return { pending: await pendingMigrations(ctx.db) };
}
