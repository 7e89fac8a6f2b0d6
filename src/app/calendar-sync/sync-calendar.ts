// One run of one Outlook calendar: calendarView delta from the stored cursor (or a full sync of a new
// window), each change matched to a booking by our stored event id, decided and applied; the cursor
// saved after each page. See docs/inbound-calendar.md for the window and the resync it implies.
//
// Why the cursor is saved after the page rather than in one transaction with every booking change:
// the moves and cancels go through the booking use cases, which own their transactions (and the
// calendar push they queue). Replaying a page is harmless instead — every decision is made from the
// booking's state now, so a change already applied reads back as "in step", and a refusal already
// answered carries its changeKey in calendar_sync_handled.
import { randomUUID } from 'node:crypto';
import {
  claimCalendarRun,
  insertSyncLog,
  recordRunOutcome,
  releaseCalendarRun,
  saveCursor,
  selectMappedCalendars,
  type CalendarSyncState,
} from '../../adapters/db/calendar-sync.ts';
import { selectBookingsByEventIds, selectLiveEventIds, type SyncBooking } from '../../adapters/db/calendar-sync-bookings.ts';
import { addFullSyncSeen, clearFullSyncSeen, selectFullSyncSeen } from '../../adapters/db/calendar-full-sync.ts';
import { idealWindow, windowRollReason, type SyncWindow } from '../../domain/calendar-sync/window.ts';
import { GraphCursorExpired, isGraphFailure } from '../ports/graph-errors.ts';
import type { CalendarChange, CalendarGateway } from '../ports/graph.ts';
import type { AppContext } from '../context.ts';
import { decideFailure } from '../../domain/failures/policy.ts';
import { failureFacts } from '../failure-facts.ts';
import { applyOutlookChange, lookUpEvent, toEventState, type ApplyInput, type ApplyOutcome } from './apply-outlook-change.ts';
import type { InboundCalendarSettings } from './settings.ts';

export interface CalendarRunResult {
  calendar: string;
  /** Set when the run did not happen (another run holds the calendar). */
  skipped?: string;
  fullSync: boolean;
  /** Why a new window was started, when one was. */
  resync?: string;
  pages: number;
  changes: number;
  outcomes: Partial<Record<ApplyOutcome, number>>;
  error?: string;
}

export interface SyncOptions {
  gateway: CalendarGateway;
  settings: InboundCalendarSettings;
  pageSize?: number;
  leaseMs?: number;
  /**
   * A fixed window policy instead of idealWindow (tests and benchmarks that need an event outside
   * the window); roll-over is then off.
   */
  windowFor?: (now: Date, lastSlotEnd: Date | null) => SyncWindow;
  /**
   * How long a run may take (default 10 minutes, inside the 15-minute lease and pg-boss's 30-minute
   * job expiry). After it the run ends with an error recorded on the calendar, so its job completes,
   * even when a Graph or database call never answers; see syncCalendar.
   */
  deadlineMs?: number;
}

const LEASE_MS = 15 * 60_000;
const DEADLINE_MS = 10 * 60_000;

/** What a run's steps share: the apply input, and `step()`, which throws once the run is given up. */
type RunInput = ApplyInput & { step(): void };

/** Thrown at the run's next step once its deadline has passed and the failure is recorded. */
class RunAbandoned extends Error {}

/** A booking touched by a page, with what the page said about its event. */
interface Touched {
  booking: SyncBooking;
  change: CalendarChange;
  /** The page gave no usable state (removed, or an occurrence of a series made from it): GET it. */
  mustLookUp: boolean;
}

/**
 * One run of the calendar, under its lease. A run that is still going at `deadlineMs` is given up:
 * the failure is recorded on calendar_sync_state at once ("did not finish within …") and this returns
 * with `error`, so the job that called it completes. The run itself may be stuck in a call that never
 * answers, so it keeps the lease until it reaches its next step (where it stops and gives the lease
 * back) or the lease lapses — no second run of the calendar starts beside it meanwhile.
 */
export async function syncCalendar(ctx: AppContext, calendarAddress: string, opts: SyncOptions): Promise<CalendarRunResult> {
  const calendar = calendarAddress.toLowerCase();
  const result: CalendarRunResult = { calendar, fullSync: false, pages: 0, changes: 0, outcomes: {} };
  const token = randomUUID();
  const state = await claimCalendarRun(ctx.db, calendar, token, ctx.now(), opts.leaseMs ?? LEASE_MS);
  if (!state) return { ...result, skipped: 'another run of this calendar is in progress' };
  const deadlineMs = opts.deadlineMs ?? DEADLINE_MS;
  const run = { abandoned: false };
  const work = runClaimed(ctx, calendar, token, state, opts, result, run);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  const first = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (first !== 'deadline') return first;

  run.abandoned = true;
  const message = `timed out: the run did not finish within ${Math.round(deadlineMs / 1000)} s and was given up; the next poll resumes from the saved cursor`;
  work.catch((err) => ctx.logger.warn({ calendar, err: (err as Error).message }, 'abandoned calendar run ended with an error'));
  const snapshot: CalendarRunResult = { ...result, outcomes: { ...result.outcomes }, error: message };
  const applied = (snapshot.outcomes.moved ?? 0) + (snapshot.outcomes.cancelled ?? 0);
  const refused = (snapshot.outcomes.refused ?? 0) + (snapshot.outcomes.conflict ?? 0);
  // No releaseToken: the abandoned run still holds the lease until it stops.
  await recordRunOutcome(ctx.db, calendar, { at: ctx.now(), result: `failed: ${message}`, error: message, applied, refused, errors: (snapshot.outcomes.error ?? 0) + 1 });
  ctx.logger.warn({ calendar, deadlineMs }, 'calendar sync abandoned at its deadline');
  return snapshot;
}

async function runClaimed(
  ctx: AppContext,
  calendar: string,
  token: string,
  state: CalendarSyncState,
  opts: SyncOptions,
  result: CalendarRunResult,
  run: { abandoned: boolean },
): Promise<CalendarRunResult> {
  let released = false;
  const log = ctx.logger.child({ calendar });
  const step = () => {
    if (run.abandoned) throw new RunAbandoned('abandoned at its deadline');
  };
  try {
    const input: RunInput = { calendar, gateway: opts.gateway, settings: opts.settings, step };
    const lastSlotEnd = (await selectMappedCalendars(ctx.db, calendar))[0]?.lastSlotEnd ?? null;
    let cursor = state.cursor;
    let window: SyncWindow | null = state.window;
    let seen: Set<string> | undefined;

    const startFullSync = async (why: string) => {
      window = (opts.windowFor ?? idealWindow)(ctx.now(), lastSlotEnd);
      cursor = null;
      seen = new Set();
      result.fullSync = true;
      result.resync = why;
      await ctx.db.transaction().execute(async (trx) => {
        await clearFullSyncSeen(trx, calendar);
        await saveCursor(trx, calendar, { cursor: null, window, fullSyncStartedAt: ctx.now() });
      });
      log.info({ why, window }, 'calendar full sync');
    };
    const roll = window && !opts.windowFor ? windowRollReason(window, ctx.now(), lastSlotEnd) : undefined;
    if (!cursor || !window) await startFullSync(window ? 'the last sync did not finish' : 'first sync of this calendar');
    else if (roll) await startFullSync(roll);
    else if (state.fullSyncStartedAt) {
      // A full sync stopped between pages (killed, given up, Graph down): it goes on from its page
      // cursor with the events it had listed, so it still ends with reconcileUnseen (issue 14 §11).
      seen = await selectFullSyncSeen(ctx.db, calendar);
      result.fullSync = true;
      result.resync = 'resuming the full sync that did not finish';
      log.info({ seen: seen.size }, 'calendar full sync resumed');
    }

    for (let restarts = 0; ; restarts++) {
      try {
        for await (const page of opts.gateway.calendarViewDelta(calendar, window!, cursor ?? undefined, { pageSize: opts.pageSize })) {
          step();
          result.pages++;
          result.changes += page.changes.length;
          const listed = page.changes.flatMap((c) => (c.kind === 'upsert' ? [c.event.id] : []));
          if (seen) for (const id of listed) seen.add(id);
          await applyPage(ctx, input, page.changes, result);
          cursor = page.cursor;
          if (seen) {
            await ctx.db.transaction().execute(async (trx) => {
              await addFullSyncSeen(trx, calendar, listed);
              await saveCursor(trx, calendar, { cursor });
            });
          } else await saveCursor(ctx.db, calendar, { cursor });
        }
        break;
      } catch (err) {
        // Graph forgot the token (410 syncStateNotFound): a fresh full sync, which changes nothing by
        // itself — every event read back is compared with its booking as for any delta page.
        if (!(err instanceof GraphCursorExpired) || restarts >= 2) throw err;
        await startFullSync('the delta token expired');
      }
    }
    // A full sync lists every event in the window; a booking whose event was not listed was deleted,
    // or moved out of the window, while no cursor was held. A GET tells which.
    // The full sync counts as done only after that check: stopped before or inside it, the next run
    // resumes (from the delta link now) and checks again.
    if (seen && window) {
      await reconcileUnseen(ctx, input, window, seen, result);
      step();
      await ctx.db.transaction().execute(async (trx) => {
        await saveCursor(trx, calendar, { cursor, fullSyncStartedAt: null, fullSyncDoneAt: ctx.now() });
        await clearFullSyncSeen(trx, calendar);
      });
    }
    step();
    const applied = (result.outcomes.moved ?? 0) + (result.outcomes.cancelled ?? 0);
    const refused = (result.outcomes.refused ?? 0) + (result.outcomes.conflict ?? 0);
    const summary = `${result.fullSync ? 'full sync' : 'delta'}: ${result.changes} change(s) read, ${applied} applied, ${refused} refused`;
    await recordRunOutcome(ctx.db, calendar, { at: ctx.now(), result: summary, applied, refused, errors: result.outcomes.error ?? 0, releaseToken: token });
    released = true;
    if (applied || refused) log.info({ outcomes: result.outcomes }, 'calendar changes applied');
    return result;
  } catch (err) {
    // Given up at the deadline: the failure is recorded already; the finally gives the lease back.
    if (run.abandoned) return result;
    const message = isGraphFailure(err) ? `${err.kind}${err.status ? ` ${err.status}` : ''}: ${err.message}` : (err as Error).message;
    result.error = message;
    const applied = (result.outcomes.moved ?? 0) + (result.outcomes.cancelled ?? 0);
    const refused = (result.outcomes.refused ?? 0) + (result.outcomes.conflict ?? 0);
    await recordRunOutcome(ctx.db, calendar, { at: ctx.now(), result: `failed: ${message}`, error: message, applied, refused, errors: (result.outcomes.error ?? 0) + 1, releaseToken: token });
    released = true;
    log.warn({ err: message }, 'calendar sync failed; the next poll resumes from the saved cursor');
    return result;
  } finally {
    if (!released) await releaseCalendarRun(ctx.db, calendar, token);
  }
}

async function applyPage(ctx: AppContext, input: RunInput, changes: CalendarChange[], result: CalendarRunResult): Promise<void> {
  const ids = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'removed') ids.add(c.id);
    else {
      ids.add(c.event.id);
      if (c.event.seriesMasterId) ids.add(c.event.seriesMasterId);
    }
  }
  const bookings = await selectBookingsByEventIds(ctx.db, input.calendar, [...ids]);
  if (bookings.length === 0) return; // nothing of ours: other events are never acted on
  const byEvent = new Map(bookings.map((b) => [b.eventId, b]));
  // One decision per booking per page, from its latest change (Graph may list an event more than once).
  const touched = new Map<number, Touched>();
  for (const c of changes) {
    const own = c.kind === 'removed' ? byEvent.get(c.id) : byEvent.get(c.event.id);
    const master = c.kind === 'upsert' && c.event.seriesMasterId ? byEvent.get(c.event.seriesMasterId) : undefined;
    const booking = own ?? master;
    if (!booking) continue;
    const prior = touched.get(booking.id);
    touched.set(booking.id, { booking, change: c, mustLookUp: c.kind === 'removed' || Boolean(master) || Boolean(prior?.mustLookUp) });
  }
  for (const t of touched.values()) await applyOne(ctx, input, t, result);
}

async function applyOne(ctx: AppContext, input: RunInput, t: Touched, result: CalendarRunResult): Promise<void> {
  const { booking, change } = t;
  input.step();
  try {
    const outcome =
      t.mustLookUp || change.kind === 'removed'
        ? await applyOutlookChange(ctx, input, booking, await lookUpEvent(input.gateway, input.calendar, booking.eventId), true)
        : await applyOutlookChange(ctx, input, booking, { kind: 'present', event: toEventState(change.event) });
    result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
  } catch (err) {
    // Graph unavailable, throttled or refusing us: stop the run so the page is read again next time;
    // a booking that cannot be applied is logged and the run goes on (the one failure policy).
    if (decideFailure('calendar-sync', 'item', failureFacts(err), 1).action !== 'skip') throw err;
    const message = isGraphFailure(err) ? `${err.kind}: ${err.message}` : (err as Error).message;
    result.outcomes.error = (result.outcomes.error ?? 0) + 1;
    await insertSyncLog(ctx.db, { calendar: input.calendar, bookingId: booking.id, ref: booking.ref, eventId: booking.eventId, outcome: 'error', detail: message, at: ctx.now() });
    ctx.logger.warn({ calendar: input.calendar, bookingRef: booking.ref, err: message }, 'Outlook change not applied');
  }
}

async function reconcileUnseen(ctx: AppContext, input: RunInput, window: SyncWindow, seen: Set<string>, result: CalendarRunResult): Promise<void> {
  const missing = (await selectLiveEventIds(ctx.db, input.calendar, window)).filter((id) => !seen.has(id));
  if (missing.length === 0) return;
  const bookings = await selectBookingsByEventIds(ctx.db, input.calendar, missing);
  for (const booking of bookings) await applyOne(ctx, input, { booking, change: { kind: 'removed', id: booking.eventId }, mustLookUp: true }, result);
}
