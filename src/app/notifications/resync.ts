// A full resync of one inbox or one Outlook calendar, on demand (`housing365 resync`): the delta cursor
// is dropped and the next run reads everything again, reconciled by id — mail already stored is skipped
// by its Graph id, events are matched to bookings by id — so a resync never duplicates anything.
// Runs in the caller's process (the CLI shows progress); the flow's own lock / lease still keeps it
// from overlapping a worker's run of the same mailbox.
import { markFullResync } from '../../adapters/db/inbound-sync.ts';
import { countCalendarLogSince, countInboundSince, forgetCalendarCursor, maxCalendarLogId, maxInboundEmailId } from '../../adapters/db/subscriptions-resync.ts';
import { AppError } from '../../errors.ts';
import { planPoll } from '../calendar-sync/poll-calendars.ts';
import { syncCalendar } from '../calendar-sync/sync-calendar.ts';
import { planInboxPoll } from '../inbound/poll-inboxes.ts';
import { syncInbox } from '../inbound/sync-inbox.ts';
import type { AppContext } from '../context.ts';

export interface ResyncProgress {
  /** Graph requests made so far by this resync. */
  requests: number;
  /** Emails imported / calendar changes logged so far. */
  items: number;
  elapsedMs: number;
}

export interface ResyncResult {
  ok: boolean;
  summary: string;
}

export async function resync(
  ctx: AppContext,
  target: { inbox: string } | { calendar: string },
  onProgress: (p: ResyncProgress) => void = () => {},
  everyMs = 250,
): Promise<ResyncResult> {
  const graph = ctx.graph;
  if (!graph) throw new AppError('config', 'Microsoft Graph is not configured');
  const started = Date.now();
  const requests0 = graph.stats.requests;
  let count: () => Promise<number>;
  let run: () => Promise<ResyncResult>;
  if ('inbox' in target) {
    const code = target.inbox.toUpperCase();
    const plan = await planInboxPoll(ctx, { inbox: code, force: true });
    if (plan.held) throw new AppError('disabled', plan.held);
    const inbox = plan.due[0];
    if (!inbox) throw new AppError('not_found', `There is no active inbox ${code} (EXCHANGE_INBOX), or it is stopped`);
    const before = await maxInboundEmailId(ctx.db);
    await markFullResync(ctx.db, code, ctx.now());
    count = () => countInboundSince(ctx.db, code, before);
    run = async () => {
      const r = await syncInbox(ctx, inbox, { gateway: graph.mail, requestCount: () => graph.stats.requests });
      if (r.skipped) return { ok: false, summary: `${code}: another run holds the inbox; try again in a moment` };
      return { ok: r.ok, summary: `${code}: ${r.imported} imported, ${r.alreadyStored} already stored, ${r.duplicates} duplicate(s), ${r.parked} parked${r.tooOld ? `, ${r.tooOld} received before the inbox was switched on (not imported)` : ''}${r.error ? `; error: ${r.error}` : ''}` };
    };
  } else {
    const calendar = target.calendar.toLowerCase();
    const plan = await planPoll(ctx, { calendar, force: true });
    if (plan.held) throw new AppError('disabled', plan.held);
    if (plan.due.length === 0) throw new AppError('not_found', `No diary is mapped to the Outlook calendar ${calendar}`);
    const before = await maxCalendarLogId(ctx.db);
    await forgetCalendarCursor(ctx.db, calendar);
    count = () => countCalendarLogSince(ctx.db, calendar, before);
    run = async () => {
      const r = await syncCalendar(ctx, calendar, { gateway: plan.gateway!, settings: plan.settings! });
      if (r.skipped) return { ok: false, summary: `${calendar}: ${r.skipped}` };
      const outcomes = Object.entries(r.outcomes).map(([k, v]) => `${v} ${k}`).join(', ') || 'no changes to apply';
      return { ok: !r.error, summary: `${calendar}: ${r.pages} page(s), ${r.changes} event(s) read; ${outcomes}${r.error ? `; error: ${r.error}` : ''}` };
    };
  }
  const report = async () => onProgress({ requests: graph.stats.requests - requests0, items: await count().catch(() => 0), elapsedMs: Date.now() - started });
  const timer = setInterval(() => void report(), everyMs);
  try {
    return await run();
  } finally {
    clearInterval(timer);
    await report();
  }
}
