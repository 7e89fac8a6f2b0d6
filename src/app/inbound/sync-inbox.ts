import type { Db } from '../../adapters/db/database.ts';
import { storedGraphIds } from '../../adapters/db/inbound-emails.ts';
import { resolveParked, upsertParked } from '../../adapters/db/inbound-parked.ts';
import { withSessionLock } from '../../adapters/db/session-lock.ts';
import { ensureInboxState, finishBackfill, finishRun, inboxLockKey, markFullResync, saveCursor, startRun, type InboxSyncState } from '../../adapters/db/inbound-sync.ts';
import { isGraphFailure, type GraphFailure } from '../ports/graph-errors.ts';
import type { InboxMessage, MailboxGateway } from '../ports/graph.ts';
import type { AppContext } from '../context.ts';
import { blobStoreOf, loadInboundPolicy, type InboundPolicy } from './policy.ts';
import { prepareEmail, storePreparedEmail, type FetchedAttachment, type PreparedEmail } from './store-email.ts';

// One run over one inbox (issue 5, DESIGN "Sync rules"): message delta with immutable ids; each page's
// emails and the cursor past them commit in one transaction, so a crash (even kill -9) between pages
// loses nothing and duplicates nothing — the next run resumes at the saved cursor, and the unique
// (inbox, Graph id) key absorbs a page replayed after a crash between commit and the Graph side.
// An expired cursor means a full resync, reconciled by id.

export interface InboxRunResult {
  inbox: string;
  ok: boolean;
  skipped?: 'busy';
  imported: number;
  /** New to us but the same internetMessageId as an email already stored (the cross-check). */
  duplicates: number;
  /** Seen again by delta (e.g. after we marked it read, or on a resync): skipped by its Graph id. */
  alreadyStored: number;
  tooOld: number;
  parked: number;
  fullResync: boolean;
  graphRequests: number;
  error?: string;
}

export interface SyncOptions {
  gateway: MailboxGateway;
  policy?: InboundPolicy;
  pageSize?: number;
  /** Counts Graph requests (the gateway's stats) for the run record and the bench. */
  requestCount?: () => number;
}

const RAW_SOURCE_MAX = 25 * 1024 * 1024;
const MAILBOX_CONCURRENCY = 4;

/** Runs `fn` over `items`, at most `limit` at once; the first error stops new starts and is thrown. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failed !== undefined) throw failed;
}

/** Graph failures that mean "try the whole run again later", not "this message is bad". */
const retryLater = (e: unknown): e is GraphFailure => isGraphFailure(e) && (e.retryable || e.kind === 'auth_failed' || e.kind === 'permission_missing' || e.kind === 'cursor_expired');

export async function syncInbox(ctx: AppContext, inbox: { code: string; mailbox: string }, opts: SyncOptions): Promise<InboxRunResult> {
  const result: InboxRunResult = { inbox: inbox.code, ok: true, imported: 0, duplicates: 0, alreadyStored: 0, tooOld: 0, parked: 0, fullResync: false, graphRequests: 0 };
  const requests0 = opts.requestCount?.() ?? 0;
  // One run per inbox across every worker: the lock goes with the connection if the process dies.
  const run = await withSessionLock(ctx.db, inboxLockKey(inbox.code), async (conn) => {
    const runId = await startRun(conn, inbox.code, ctx.now());
    try {
      const state = await ensureInboxState(conn, inbox.code, inbox.mailbox, ctx.now());
      const policy = opts.policy ?? (await loadInboundPolicy(ctx));
      try {
        await runDelta(ctx, conn, inbox, state, policy, opts, result, state.cursor ?? undefined);
      } catch (err) {
        if (!(isGraphFailure(err) && err.kind === 'cursor_expired')) throw err;
        // Graph forgot the sync state (410 / syncStateNotFound): start over; ids already stored are skipped.
        ctx.logger.warn({ inbox: inbox.code }, 'delta cursor expired; full resync');
        result.fullResync = true;
        await markFullResync(conn, inbox.code, ctx.now());
        await runDelta(ctx, conn, inbox, { ...state, cursor: null }, policy, opts, result, undefined);
      }
      if (state.backfillDays) await finishBackfill(conn, inbox.code);
    } catch (err) {
      result.ok = false;
      result.error = isGraphFailure(err) ? `${err.kind}: ${err.message}` : (err as Error).message;
      ctx.logger.warn({ inbox: inbox.code, err: result.error }, 'inbox sync failed; the next run resumes at the saved cursor');
    } finally {
      result.graphRequests = (opts.requestCount?.() ?? 0) - requests0;
      await finishRun(conn, runId, inbox.code, { at: ctx.now(), ok: result.ok, imported: result.imported, duplicates: result.duplicates, parked: result.parked, graphRequests: result.graphRequests, fullResync: result.fullResync, error: result.error ?? null }).catch(() => {});
    }
    return result;
  });
  return run.locked ? run.value : { ...result, skipped: 'busy' as const };
}

async function runDelta(
  ctx: AppContext,
  db: Db,
  inbox: { code: string; mailbox: string },
  state: InboxSyncState,
  policy: InboundPolicy,
  opts: SyncOptions,
  result: InboxRunResult,
  cursor: string | undefined,
): Promise<void> {
  const g = opts.gateway;
  const backfillFrom = state.backfillDays ? new Date(ctx.now().getTime() - state.backfillDays * 86_400_000) : null;
  const from = backfillFrom && backfillFrom < state.enabledAt ? backfillFrom : state.enabledAt;
  // Graph's receivedDateTime has whole seconds: mail of the very second the inbox was enabled counts.
  const cutoff = new Date(Math.floor(from.getTime() / 1000) * 1000);
  for await (const page of g.messageDelta(inbox.mailbox, 'inbox', cursor, { pageSize: opts.pageSize })) {
    const prepared: Array<{ p: PreparedEmail; message: InboxMessage }> = [];
    const parked: Array<{ message: InboxMessage; reason: string; raw: Buffer | null }> = [];
    const fresh: InboxMessage[] = [];
    for (const change of page.changes) {
      if (change.kind !== 'upsert') continue; // moved or deleted in Outlook after import: nothing to do
      const m = change.message;
      if (m.isDraft) continue;
      if (m.receivedAt < cutoff) result.tooOld++;
      else fresh.push(m);
    }
    const known = await storedGraphIds(db, inbox.code, fresh.map((m) => m.id));
    const todo = fresh.filter((m) => !known.has(m.id));
    result.alreadyStored += fresh.length - todo.length;
    // Up to 4 at a time: Graph's per-mailbox concurrency limit (the adapter enforces it too).
    await eachLimit(todo, MAILBOX_CONCURRENCY, async (m) => {
      try {
        const full = await g.getMessage(inbox.mailbox, m.id, { includeHeaders: true });
        const atts: FetchedAttachment[] = full.hasAttachments || m.hasAttachments
          ? (await g.listAttachments(inbox.mailbox, m.id)).map((info) => ({ info, open: () => g.openAttachment(inbox.mailbox, m.id, info.id) }))
          : [];
        prepared.push({ p: await prepareEmail(inbox, full, atts, { blobs: blobStoreOf(ctx), policy, logger: ctx.logger }), message: full });
      } catch (err) {
        if (retryLater(err)) throw err;
        // Not a passing problem: this message cannot be read or stored. Park it with its source.
        parked.push({ message: m, reason: describe(err), raw: await rawSource(g, inbox.mailbox, m.id) });
      }
    });
    // Store in the order Graph gave them, whatever order the fetches finished in.
    const order = new Map(todo.map((m, i) => [m.id, i]));
    prepared.sort((a, b) => order.get(a.message.id)! - order.get(b.message.id)!);
    const seen = fresh.length;
    const stored: InboxMessage[] = [];
    await db.transaction().execute(async (trx) => {
      for (const { p, message } of prepared) {
        const r = await storePreparedEmail(trx, p, ctx.now());
        if (r.stored) {
          result.imported++;
          stored.push(message);
        } else result.duplicates++;
      }
      for (const x of parked) {
        await upsertParked(trx, { inbox: inbox.code, mailbox: inbox.mailbox, graphId: x.message.id, subject: x.message.subject?.slice(0, 500) ?? null, reason: x.reason, rawSource: x.raw, at: ctx.now() });
        result.parked++;
      }
      await saveCursor(trx, inbox.code, page.cursor, !page.complete, ctx.now(), backfillFrom ? { seen, imported: prepared.length } : undefined);
    });
    for (const x of parked) ctx.logger.warn({ inbox: inbox.code, graphId: x.message.id, reason: x.reason }, 'inbound email parked (Needs attention)');
    await afterImport(ctx, g, inbox, state, stored);
  }
}

/** Mark read, move, or leave — so staff using Outlook see what was taken. Best effort: the email is already safe. */
async function afterImport(ctx: AppContext, g: MailboxGateway, inbox: { code: string; mailbox: string }, state: InboxSyncState, stored: InboxMessage[]): Promise<void> {
  if (state.afterImport === 'leave' || stored.length === 0) return;
  let folder: string | undefined;
  if (state.afterImport === 'move') {
    const name = state.moveFolder || 'Imported to housing365';
    folder = (await g.findFolder(inbox.mailbox, name).catch(() => undefined))?.id ?? (await g.createFolder(inbox.mailbox, name).catch(() => undefined))?.id;
  }
  await eachLimit(stored, MAILBOX_CONCURRENCY, async (m) => {
    try {
      if (folder) await g.moveMessage(inbox.mailbox, m.id, folder);
      else if (!m.isRead) await g.markRead(inbox.mailbox, m.id, true);
    } catch (err) {
      ctx.logger.warn({ inbox: inbox.code, graphId: m.id, err: describe(err) }, 'after-import action failed (the email is stored)');
    }
  });
}

async function rawSource(g: MailboxGateway, mailbox: string, id: string): Promise<Buffer | null> {
  try {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of await g.getMessageMime(mailbox, id)) {
      size += (chunk as Buffer).length;
      if (size > RAW_SOURCE_MAX) break;
      parts.push(chunk as Buffer);
    }
    return Buffer.concat(parts);
  } catch {
    return null;
  }
}

function describe(err: unknown): string {
  if (isGraphFailure(err)) return `Graph ${err.kind}${err.graphCode ? ` (${err.graphCode})` : ''}: ${err.message}`.slice(0, 2000);
  return `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 2000);
}

/** Replays one parked message: read again from Graph and stored if it now works. */
export async function replayParked(ctx: AppContext, gateway: MailboxGateway, parked: { inbox: string; mailbox: string; graphId: string }, by: string): Promise<{ ok: boolean; reason?: string }> {
  const policy = await loadInboundPolicy(ctx);
  try {
    const full = await gateway.getMessage(parked.mailbox, parked.graphId, { includeHeaders: true });
    const atts: FetchedAttachment[] = full.hasAttachments
      ? (await gateway.listAttachments(parked.mailbox, full.id)).map((info) => ({ info, open: () => gateway.openAttachment(parked.mailbox, full.id, info.id) }))
      : [];
    const p = await prepareEmail({ code: parked.inbox, mailbox: parked.mailbox }, full, atts, { blobs: blobStoreOf(ctx), policy });
    await ctx.db.transaction().execute(async (trx) => {
      await storePreparedEmail(trx, p, ctx.now());
      await resolveParked(trx, { inbox: parked.inbox, graphId: parked.graphId }, 'replayed', by, ctx.now());
    });
    return { ok: true };
  } catch (err) {
    const reason = describe(err);
    await upsertParked(ctx.db, { inbox: parked.inbox, mailbox: parked.mailbox, graphId: parked.graphId, subject: null, reason, rawSource: null, at: ctx.now() });
    return { ok: false, reason };
  }
}
