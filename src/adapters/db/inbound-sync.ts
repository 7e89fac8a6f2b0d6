import { sql } from 'kysely';
import type { Db } from './database.ts';
import { RESTRICTED_DETAIL, type Viewer } from '../../domain/tasks/visibility.ts';
import { inboxRowVisibleTo } from './visibility.ts';
import { signalSettingsChanged } from './settings-signal.ts';

// Per-inbox sync state (cursor, backfill, last run) and run history.

export interface InboxSyncState {
  inbox: string;
  mailbox: string;
  enabledAt: Date;
  pollEnabled: boolean;
  afterImport: 'mark_read' | 'move' | 'leave';
  moveFolder: string | null;
  cursor: string | null;
  cursorSavedAt: Date | null;
  cursorPartial: boolean;
  backfillDays: number | null;
  backfillSeen: number;
  backfillImported: number;
  fullResyncs: number;
  lastRunAt: Date | null;
  /** Start of the last run: EMI_POLL counts from here. */
  lastRunStartedAt: Date | null;
  lastRunOk: boolean | null;
  lastError: string | null;
  lastItems: number | null;
  lastSkippedReason: string | null;
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];
const base = (db: Db) => db.selectFrom('inbox_sync_state').selectAll();
const toState = (r: Row): InboxSyncState => ({
  inbox: r.inbox,
  mailbox: r.mailbox,
  enabledAt: r.enabled_at,
  pollEnabled: r.poll_enabled,
  afterImport: r.after_import,
  moveFolder: r.move_folder,
  cursor: r.cursor,
  cursorSavedAt: r.cursor_saved_at,
  cursorPartial: r.cursor_partial,
  backfillDays: r.backfill_days,
  backfillSeen: r.backfill_seen,
  backfillImported: r.backfill_imported,
  fullResyncs: r.full_resyncs,
  lastRunAt: r.last_run_at,
  lastRunStartedAt: r.last_run_started_at,
  lastRunOk: r.last_run_ok,
  lastError: r.last_error,
  lastItems: r.last_items,
  lastSkippedReason: r.last_skipped_reason,
});

/** Every inbox's state; a restricted inbox's last error only for its teams (it may quote the mail). */
export async function selectInboxStates(db: Db, viewer: Viewer): Promise<InboxSyncState[]> {
  const rows = await base(db).select(inboxRowVisibleTo(viewer, 'inbox_sync_state.inbox').as('visible')).orderBy('inbox').execute();
  return rows.map((r) => ({ ...toState(r), ...(r.visible ? {} : { lastError: r.last_error && RESTRICTED_DETAIL }) }));
}

/**
 * The inbox's state, created on first sight. Its first-read cut-off (`enabled_at`) is when the admin
 * configured the inbox — its EXCHANGE_INBOX value added or last activated (issue 14 §2) — not when the
 * first poll happened to run: mail sent to a new inbox at once is read. Without such a value (a state
 * made for an inbox no longer configured), now. Reactivating the value moves the cut-off to then.
 */
export async function ensureInboxState(db: Db, inbox: string, mailbox: string, now: Date): Promise<InboxSyncState> {
  const configuredAt = sql<Date>`(SELECT active_since FROM frv_values WHERE domain = 'EXCHANGE_INBOX' AND code = ${inbox} AND active)`;
  await db.insertInto('inbox_sync_state').values({ inbox, mailbox, enabled_at: sql<Date>`coalesce(${configuredAt}, ${now})` }).onConflict((oc) => oc.column('inbox').doNothing()).execute();
  await db.updateTable('inbox_sync_state').set({ enabled_at: configuredAt }).where('inbox', '=', inbox).where(sql<boolean>`enabled_at < ${configuredAt}`).execute();
  // The mailbox follows INBOX_SERVER; a changed server means a different mailbox and a fresh cursor.
  await db.updateTable('inbox_sync_state').set({ mailbox, cursor: null, cursor_partial: false, enabled_at: now }).where('inbox', '=', inbox).where('mailbox', '<>', mailbox).execute();
  return toState(await base(db).where('inbox', '=', inbox).executeTakeFirstOrThrow());
}

export async function saveCursor(db: Db, inbox: string, cursor: string | null, partial: boolean, at: Date, progress?: { seen: number; imported: number }): Promise<void> {
  await db
    .updateTable('inbox_sync_state')
    .set((eb) => ({
      cursor,
      cursor_partial: partial,
      cursor_saved_at: at,
      updated_at: at,
      ...(progress ? { backfill_seen: eb('backfill_seen', '+', progress.seen), backfill_imported: eb('backfill_imported', '+', progress.imported) } : {}),
    }))
    .where('inbox', '=', inbox)
    .execute();
}

export async function markFullResync(db: Db, inbox: string, at: Date): Promise<void> {
  await db.updateTable('inbox_sync_state').set((eb) => ({ cursor: null, cursor_partial: false, full_resyncs: eb('full_resyncs', '+', 1), updated_at: at })).where('inbox', '=', inbox).execute();
}

export async function finishBackfill(db: Db, inbox: string): Promise<void> {
  await db.updateTable('inbox_sync_state').set({ backfill_days: null }).where('inbox', '=', inbox).execute();
}

export async function updateInboxSettings(
  db: Db,
  inbox: string,
  patch: Partial<{ poll_enabled: boolean; after_import: 'mark_read' | 'move' | 'leave'; move_folder: string | null; backfill_days: number | null; backfill_seen: number; backfill_imported: number; cursor: string | null; cursor_partial: boolean; last_run_at: Date | null; last_run_started_at: Date | null }>,
): Promise<boolean> {
  const r = await db.updateTable('inbox_sync_state').set(patch).where('inbox', '=', inbox).executeTakeFirst();
  await signalSettingsChanged(db); // run-now, start, backfill: the scheduler ticks at once
  return Number(r.numUpdatedRows) > 0;
}

export async function recordNotRun(db: Db, inboxes: string[], reason: string): Promise<void> {
  if (!inboxes.length) return;
  // Ticks come every few seconds: write only a reason that changed.
  await db.updateTable('inbox_sync_state').set({ last_skipped_reason: reason }).where('inbox', 'in', inboxes).where(sql<boolean>`last_skipped_reason IS DISTINCT FROM ${reason}`).execute();
}

export async function startRun(db: Db, inbox: string, at: Date): Promise<number> {
  await db.updateTable('inbox_sync_state').set({ last_run_started_at: at }).where('inbox', '=', inbox).execute();
  return (await db.insertInto('inbox_runs').values({ inbox, started_at: at }).returning('id').executeTakeFirstOrThrow()).id;
}

export async function finishRun(
  db: Db,
  runId: number,
  inbox: string,
  r: { at: Date; ok: boolean; imported: number; duplicates: number; parked: number; graphRequests: number; fullResync: boolean; error: string | null },
): Promise<void> {
  await db
    .updateTable('inbox_runs')
    .set({ finished_at: r.at, ok: r.ok, imported: r.imported, duplicates: r.duplicates, parked: r.parked, graph_requests: r.graphRequests, full_resync: r.fullResync, error: r.error })
    .where('id', '=', runId)
    .execute();
  await db
    .updateTable('inbox_sync_state')
    .set({ last_run_at: r.at, last_run_ok: r.ok, last_error: r.error, last_items: r.imported, last_skipped_reason: null, updated_at: r.at })
    .where('inbox', '=', inbox)
    .execute();
}

/** The latest runs; a restricted inbox's errors only for its teams (an error may quote the mail). */
export async function selectRuns(db: Db, viewer: Viewer, inbox: string | undefined, limit: number) {
  let q = db
    .selectFrom('inbox_runs')
    .select(['id', 'inbox', 'started_at', 'finished_at', 'ok', 'imported', 'duplicates', 'parked', 'graph_requests', 'full_resync'])
    .select(sql<string | null>`CASE WHEN ${inboxRowVisibleTo(viewer, 'inbox_runs.inbox')} THEN error ELSE CASE WHEN error IS NULL THEN NULL ELSE ${RESTRICTED_DETAIL} END END`.as('error'));
  if (inbox) q = q.where('inbox', '=', inbox);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

export async function readPollStopped(db: Db): Promise<{ stopped: boolean; since: Date | null }> {
  const r = await db.selectFrom('app_settings').select(['value', 'updated_at']).where('key', '=', 'inbound_poll_stopped').executeTakeFirst();
  return { stopped: r?.value === 'true', since: r?.value === 'true' ? r.updated_at : null };
}

export async function writePollStopped(db: Db, stopped: boolean, at: Date): Promise<void> {
  await db
    .insertInto('app_settings')
    .values({ key: 'inbound_poll_stopped', value: String(stopped), updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(stopped), updated_at: at }))
    .execute();
  await signalSettingsChanged(db);
}

/** A session-level lock on one connection for the whole run: one run per inbox, across every worker; released if the process dies. */
export function inboxLockKey(inbox: string) {
  return sql`hashtext('inbox_sync'), hashtext(${inbox})`;
}
