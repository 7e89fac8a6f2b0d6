import type { Db } from '../../adapters/db/database.ts';
import { storedGraphIds } from '../../adapters/db/inbound-emails.ts';
import { decideFailure, endsTheRun, FLOW_RULES } from '../../domain/failures/policy.ts';
import { failureFacts } from '../failure-facts.ts';
import { inSavepoint } from '../../adapters/db/savepoint.ts';
import { beginAttempt, clearAttempts, failAttempt, uncountAttempt } from '../../adapters/db/inbound-attempts.ts';
import { resolveParked, upsertParked, type ParkedRawRef } from '../../adapters/db/inbound-parked.ts';
import { withSessionLock } from '../../adapters/db/session-lock.ts';
import { ensureInboxState, finishBackfill, finishRun, inboxLockKey, markFullResync, saveCursor, startRun, type InboxSyncState } from '../../adapters/db/inbound-sync.ts';
import { notAnEmailReason } from '../../domain/inbound/classify.ts';
import { isGraphFailure, type GraphFailure } from '../ports/graph-errors.ts';
import type { DeltaPage, InboxChange, InboxMessage, MailboxGateway } from '../ports/graph.ts';
import { markReconciled, reconcileDue, RECONCILE_WINDOW_MS, unknownRecentMail } from './reconcile-inbox.ts';
import type { AppContext } from '../context.ts';
import { blobStoreOf, loadInboundPolicy, sweepStaleStaging, type InboundPolicy } from './policy.ts';
import { discardPrepared, fetchedAttachments, prepareEmail, storePreparedEmail, type PreparedEmail } from './store-email.ts';

// One run over one inbox (issue 5, DESIGN "Sync rules"): message delta with immutable ids; each page's
// emails and the cursor past them commit in one transaction, so a crash (even kill -9) between pages
// loses nothing and duplicates nothing — the next run resumes at the saved cursor, and the unique
// (inbox, Graph id) key absorbs a page replayed after a crash between commit and the Graph side.
// An expired cursor means a full resync, reconciled by id.
//
// Hostile mail cannot stall the inbox (issue 14 §5, §7): every read of a message is counted before it
// starts (inbound_message_attempts), runs under a budget, and is tried again at most `maxAttempts`
// times in all — a message that fails, overruns or takes the process down that often is PARKED with
// its raw source (Needs attention) and the cursor moves past it, so the mail behind it is stored. Input
// that is not an email at all is parked at once. The run as a whole stops starting work at its
// deadline, like the calendar sync; what it had not reached is read by the next run.

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
  /** Imported by the periodic reconcile: mail delta had not reported (reconcile-inbox.ts). */
  reconciled?: number;
  error?: string;
}

export interface SyncOptions {
  gateway: MailboxGateway;
  policy?: InboundPolicy;
  pageSize?: number;
  /** Counts Graph requests (the gateway's stats) for the run record and the bench. */
  requestCount?: () => number;
  /** The run starts no new page or message after this long (default 10 minutes, as the calendar sync). */
  deadlineMs?: number;
  /** One read of one message (fetch, attachments, preparation) may take this long (default 3 minutes). */
  messageBudgetMs?: number;
  /** Reads of one message — failed, overrun, or cut off by a crash — before it is parked (default 3). */
  maxAttempts?: number;
  /** How often a run also reconciles the inbox against a plain list (default hourly; reconcile-inbox.ts). */
  reconcileEveryMs?: number;
}

const DEADLINE_MS = 10 * 60_000;
const MESSAGE_BUDGET_MS = 3 * 60_000;
/** The failure policy's bound for one message (3). */
const MAX_ATTEMPTS = FLOW_RULES['inbox-sync'].itemMaxAttempts;
/** Graph carries no message over 150 MB; a raw source is kept whole up to that. */
const RAW_SOURCE_MAX = 150 * 1024 * 1024;
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
/** Graph trouble that means "try the whole run again later", not "this message is bad" (the failure policy). */
const retryLater = (e: unknown): e is GraphFailure => isGraphFailure(e) && endsTheRun(e.kind);

/** The run reached its deadline: what it has not started is left for the next run. */
class RunDeadline extends Error {}
class MessageOverran extends Error {}

interface RunLimits {
  stopAt: number;
  deadlineMs: number;
  budgetMs: number;
  maxAttempts: number;
}

type Outcome =
  | { kind: 'prepared'; message: InboxMessage; p: PreparedEmail }
  | { kind: 'park'; message: InboxMessage; reason: string; attempts: number };

export async function syncInbox(ctx: AppContext, inbox: { code: string; mailbox: string }, opts: SyncOptions): Promise<InboxRunResult> {
  const result: InboxRunResult = { inbox: inbox.code, ok: true, imported: 0, duplicates: 0, alreadyStored: 0, tooOld: 0, parked: 0, fullResync: false, graphRequests: 0 };
  const requests0 = opts.requestCount?.() ?? 0;
  await sweepStaleStaging(ctx);
  // One run per inbox across every worker: the lock goes with the connection if the process dies.
  const run = await withSessionLock(ctx.db, inboxLockKey(inbox.code), async (conn) => {
    const runId = await startRun(conn, inbox.code, ctx.now());
    const deadlineMs = opts.deadlineMs ?? DEADLINE_MS;
    const limits: RunLimits = { stopAt: performance.now() + deadlineMs, deadlineMs, budgetMs: opts.messageBudgetMs ?? MESSAGE_BUDGET_MS, maxAttempts: opts.maxAttempts ?? MAX_ATTEMPTS };
    try {
      const state = await ensureInboxState(conn, inbox.code, inbox.mailbox, ctx.now());
      const policy = opts.policy ?? (await loadInboundPolicy(ctx));
      try {
        await runDelta(ctx, conn, inbox, state, policy, opts, limits, result, state.cursor ?? undefined);
      } catch (err) {
        if (!(isGraphFailure(err) && err.kind === 'cursor_expired')) throw err;
        // Graph forgot the sync state (410 / syncStateNotFound): start over; ids already stored are skipped.
        ctx.logger.warn({ inbox: inbox.code }, 'delta cursor expired; full resync');
        result.fullResync = true;
        await markFullResync(conn, inbox.code, ctx.now());
        await runDelta(ctx, conn, inbox, { ...state, cursor: null }, policy, opts, limits, result, undefined);
      }
      if (state.backfillDays) await finishBackfill(conn, inbox.code);
      if (reconcileDue(inbox.code, ctx.now().getTime(), opts.reconcileEveryMs)) {
        // Mail delta missed (moved out of the inbox and back, with immutable ids): see reconcile-inbox.ts.
        const enabled = state.backfillDays ? new Date(ctx.now().getTime() - state.backfillDays * 86_400_000) : state.enabledAt;
        const since = new Date(Math.max(enabled.getTime(), ctx.now().getTime() - RECONCILE_WINDOW_MS));
        const before = result.imported;
        await runDelta(ctx, conn, inbox, state, policy, opts, limits, result, undefined, unknownRecentMail(conn, opts.gateway, inbox, since));
        markReconciled(inbox.code, ctx.now().getTime());
        result.reconciled = result.imported - before;
        if (result.reconciled) ctx.logger.warn({ inbox: inbox.code, imported: result.reconciled }, 'inbox reconcile imported mail that message delta had not reported');
      }
    } catch (err) {
      result.ok = false;
      result.error = err instanceof RunDeadline
        ? `timed out: the run did not finish within ${Math.round(deadlineMs / 1000)} s; the next run resumes from the saved cursor`
        : isGraphFailure(err) ? `${err.kind}: ${err.message}` : (err as Error).message;
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
  limits: RunLimits,
  result: InboxRunResult,
  cursor: string | undefined,
  /** Pages from elsewhere than delta (the reconcile): stored the same way, no cursor saved. */
  source?: AsyncIterable<DeltaPage<InboxChange>>,
): Promise<void> {
  const g = opts.gateway;
  const backfillFrom = state.backfillDays ? new Date(ctx.now().getTime() - state.backfillDays * 86_400_000) : null;
  const from = backfillFrom && backfillFrom < state.enabledAt ? backfillFrom : state.enabledAt;
  // Graph's receivedDateTime has whole seconds: mail of the very second the inbox was enabled counts.
  const cutoff = new Date(Math.floor(from.getTime() / 1000) * 1000);
  for await (const page of source ?? g.messageDelta(inbox.mailbox, 'inbox', cursor, { pageSize: opts.pageSize })) {
    if (performance.now() > limits.stopAt) throw new RunDeadline();
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
    const outcomes: Outcome[] = [];
    let stopped: unknown;
    // Up to 4 at a time: Graph's per-mailbox concurrency limit (the adapter enforces it too).
    try {
      await eachLimit(todo, MAILBOX_CONCURRENCY, async (m) => {
        outcomes.push(await readMessage(ctx, db, inbox, m, policy, g, limits));
      });
    } catch (err) {
      // Throttled, token, deadline …: keep what was read (stored below), but not the cursor past
      // the messages not read — the next run reads this page again and skips what is stored.
      stopped = err;
    }
    // Store in the order Graph gave them, whatever order the reads finished in.
    const order = new Map(todo.map((m, i) => [m.id, i]));
    outcomes.sort((a, b) => order.get(a.message.id)! - order.get(b.message.id)!);
    const prepared = outcomes.filter((o) => o.kind === 'prepared');
    const parked = outcomes.filter((o) => o.kind === 'park');
    const seen = fresh.length;
    const stored: InboxMessage[] = [];
    // Raw sources are streamed to the blob store before the transaction, not inside it.
    const raws = new Map<string, ParkedRawRef | null>();
    for (const x of parked) raws.set(x.message.id, await rawSource(ctx, g, inbox.mailbox, x.message.id));
    try {
      await db.transaction().execute(async (trx) => {
        for (const o of prepared) {
          // Each email in a savepoint: one the database refuses is parked, not a page that fails
          // (and is read again) for ever.
          const r = await inSavepoint(trx, 'store_email', () => storePreparedEmail(trx, o.p, ctx.now()));
          if (r.ok) {
            if (r.value.stored) {
              result.imported++;
              stored.push(o.message);
            } else result.duplicates++;
          } else {
            const reason = `Could not be stored: ${describe(r.error)}`;
            parked.push({ kind: 'park', message: o.message, reason, attempts: 1 });
            raws.set(o.message.id, await rawSource(ctx, g, inbox.mailbox, o.message.id));
          }
        }
        for (const x of parked) {
          await upsertParked(trx, { inbox: inbox.code, mailbox: inbox.mailbox, graphId: x.message.id, subject: x.message.subject?.slice(0, 500) ?? null, reason: x.reason, raw: raws.get(x.message.id) ?? null, attempts: x.attempts, at: ctx.now() });
          result.parked++;
        }
        await clearAttempts(trx, inbox.code, outcomes.map((o) => o.message.id));
        if (stopped === undefined && !source) await saveCursor(trx, inbox.code, page.cursor, !page.complete, ctx.now(), backfillFrom ? { seen, imported: prepared.length } : undefined);
      });
    } finally {
      // A duplicate's staged attachments, or a batch that did not commit: nothing may stay in staging.
      for (const o of prepared) await discardPrepared(o.p);
    }
    for (const x of parked) ctx.logger.warn({ inbox: inbox.code, graphId: x.message.id, reason: x.reason }, 'inbound email parked (Needs attention)');
    await afterImport(ctx, g, inbox, state, stored);
    if (stopped !== undefined) throw stopped;
  }
}

/**
 * One message: counted, then read under its budget, tried again while attempts remain. Returns what
 * to store, or why to park it. Throws only for what stops the whole run (Graph throttling, the token,
 * the run's deadline); such a read is not counted against the message.
 */
async function readMessage(ctx: AppContext, db: Db, inbox: { code: string; mailbox: string }, m: InboxMessage, policy: InboundPolicy, g: MailboxGateway, limits: RunLimits): Promise<Outcome> {
  for (;;) {
    if (performance.now() > limits.stopAt) throw new RunDeadline();
    const attempt = await beginAttempt(db, inbox.code, m.id, ctx.now());
    if (attempt.attempts > limits.maxAttempts) {
      // Counted reads that never finished: they hung past every budget or took the process down.
      const last = attempt.lastError ?? 'the read never finished (the process stopped or restarted while reading it)';
      return { kind: 'park', message: m, attempts: attempt.attempts - 1, reason: `Not stored after ${attempt.attempts - 1} attempts; last: ${last}` };
    }
    let timer: NodeJS.Timeout | undefined;
    const work = readOnce(ctx, inbox, m, policy, g);
    try {
      const overran = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MessageOverran(`overran its budget of ${limits.budgetMs < 10_000 ? `${limits.budgetMs} ms` : `${Math.round(limits.budgetMs / 1000)} s`}`)), limits.budgetMs);
      });
      const r = await Promise.race([work, overran]);
      return 'reason' in r ? { kind: 'park', message: m, reason: r.reason, attempts: attempt.attempts } : { kind: 'prepared', message: m, p: r };
    } catch (err) {
      if (err instanceof MessageOverran) {
        // It may still finish: whatever it staged is dropped then.
        work.then((r) => ('reason' in r ? undefined : discardPrepared(r)), () => {});
      } else if (retryLater(err)) {
        await uncountAttempt(db, inbox.code, m.id);
        throw err;
      }
      const reason = describe(err);
      await failAttempt(db, inbox.code, m.id, reason);
      ctx.logger.warn({ inbox: inbox.code, graphId: m.id, attempt: attempt.attempts, reason }, 'inbound email read failed');
      const next = decideFailure('inbox-sync', 'item', failureFacts(err), attempt.attempts, Math.random, { itemMaxAttempts: limits.maxAttempts });
      if (next.action === 'skip') return { kind: 'park', message: m, attempts: attempt.attempts, reason: attempt.attempts > 1 ? `${reason} (after ${attempt.attempts} attempts)` : reason };
    } finally {
      clearTimeout(timer);
    }
  }
}

async function readOnce(ctx: AppContext, inbox: { code: string; mailbox: string }, m: InboxMessage, policy: InboundPolicy, g: MailboxGateway): Promise<PreparedEmail | { reason: string }> {
  const full = await g.getMessage(inbox.mailbox, m.id, { includeHeaders: true });
  const notEmail = notAnEmailReason({ headers: full.headers, hasSender: Boolean(full.from?.address || full.sender?.address) });
  if (notEmail) return { reason: notEmail };
  return prepareEmail(inbox, full, await fetchedAttachments(g, inbox.mailbox, full, m.hasAttachments), { blobs: blobStoreOf(ctx), policy, logger: ctx.logger });
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

/** The message's source as Graph gives it, streamed whole into the blob store; null when Graph will not give it. */
async function rawSource(ctx: AppContext, g: MailboxGateway, mailbox: string, id: string): Promise<ParkedRawRef | null> {
  try {
    const blob = await blobStoreOf(ctx).stage(await g.getMessageMime(mailbox, id), { maxBytes: RAW_SOURCE_MAX, headBytes: 0 });
    if (blob.tooLarge) {
      await blob.discard();
      return null;
    }
    await blob.commit();
    return { blobSha256: blob.sha256, size: blob.size };
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
  let p: PreparedEmail | undefined;
  try {
    const full = await gateway.getMessage(parked.mailbox, parked.graphId, { includeHeaders: true });
    // Replaying does not make input that is not an email into one: Dismiss it instead.
    const notEmail = notAnEmailReason({ headers: full.headers, hasSender: Boolean(full.from?.address || full.sender?.address) });
    if (notEmail) return { ok: false, reason: notEmail };
    p = await prepareEmail({ code: parked.inbox, mailbox: parked.mailbox }, full, await fetchedAttachments(gateway, parked.mailbox, full), { blobs: blobStoreOf(ctx), policy });
    const ready = p;
    await ctx.db.transaction().execute(async (trx) => {
      await storePreparedEmail(trx, ready, ctx.now());
      await resolveParked(trx, { inbox: parked.inbox, graphId: parked.graphId }, 'replayed', by, ctx.now());
    });
    return { ok: true };
  } catch (err) {
    const reason = describe(err);
    await upsertParked(ctx.db, { inbox: parked.inbox, mailbox: parked.mailbox, graphId: parked.graphId, subject: null, reason, raw: null, at: ctx.now() });
    return { ok: false, reason };
  } finally {
    if (p) await discardPrepared(p);
  }
}
