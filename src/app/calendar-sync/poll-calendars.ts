import pLimit from 'p-limit';
// Calendar polling as a whole (guide §2.4.3 "Start Inbound Poll"): which calendars are polled, whether
// the flow may run and why not, start / stop / run-now, and one poll round over every calendar that
// is due (CALI_POLL minutes since its last run). The job scheduler, the CLI and the Integration page
// all call these.
import { readPollStopped, recordNotRun, requestRun, selectMappedCalendars, selectSyncLog, selectSyncState, selectSyncStates, writePollStopped, type CalendarSyncState, type SyncLogEntry } from '../../adapters/db/calendar-sync.ts';

export type { SyncLogEntry };
import { isPollDue } from '../../domain/params/poll-cadence.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import { getIntegrationStatus } from '../integration.ts';
import type { CalendarGateway } from '../ports/graph.ts';
import type { Actor, AppContext } from '../context.ts';
import { inboundCalendarSettings } from './settings.ts';
import { syncCalendar, type CalendarRunResult, type SyncOptions } from './sync-calendar.ts';

export interface CalendarPollStatus {
  /** The flow may run (licence, OUTLOOK365, APPTIN_OUTLOOK365, parameters) and polling is not stopped. */
  running: boolean;
  stopped: boolean;
  stoppedSince: Date | null;
  /** Why no calendar is polled, when none is. */
  reasons: string[];
  pollMinutes: number;
  calendars: Array<{ calendar: string; diaryCodes: string[]; state: CalendarSyncState | null }>;
}

export async function calendarPollStatus(ctx: AppContext): Promise<CalendarPollStatus> {
  const [why, stop, settings, mapped, states] = await Promise.all([
    whyNotRunning(ctx),
    readPollStopped(ctx.db),
    inboundCalendarSettings(ctx),
    selectMappedCalendars(ctx.db),
    selectSyncStates(ctx.db, ctx.now()),
  ]);
  const byCalendar = new Map(states.map((s) => [s.calendar, s]));
  const reasons = [...why, ...(stop.stopped ? ['Calendar polling is stopped (housing365 calendars start, or Start on the Integration page)'] : [])];
  return {
    running: reasons.length === 0,
    stopped: stop.stopped,
    stoppedSince: stop.since,
    reasons,
    pollMinutes: settings.pollMinutes,
    calendars: mapped.map((m) => ({ calendar: m.calendar, diaryCodes: m.diaryCodes, state: byCalendar.get(m.calendar) ?? null })),
  };
}

export const calendarSyncLog = (ctx: AppContext, f: { calendar?: string; limit?: number } = {}): Promise<SyncLogEntry[]> => selectSyncLog(ctx.db, f);

async function whyNotRunning(ctx: AppContext, gateway?: CalendarGateway): Promise<string[]> {
  const status = await getIntegrationStatus(ctx);
  const flow = status.flows.find((f) => f.flow === 'apptIn');
  const reasons = flow?.running ? [] : (flow?.reasons ?? ['inbound appointments are not configured']);
  if (!(gateway ?? ctx.graph?.calendar)) reasons.push('Microsoft Graph is not configured');
  return reasons;
}

export async function startCalendarPolling(ctx: AppContext, actor: Actor): Promise<void> {
  await writePollStopped(ctx.db, false, ctx.now());
  await recordAudit(ctx.db, actor, { action: 'calendar_poll.start', entityType: 'setting', entityId: 'calendar_poll', summary: 'Calendar polling started', after: { stopped: false } });
}

export async function stopCalendarPolling(ctx: AppContext, actor: Actor): Promise<void> {
  await writePollStopped(ctx.db, true, ctx.now());
  await recordAudit(ctx.db, actor, { action: 'calendar_poll.stop', entityType: 'setting', entityId: 'calendar_poll', summary: 'Calendar polling stopped', after: { stopped: true } });
}

/** Run-now for the CLI and the page: the calendar (or every one) is synced at once (the scheduler is signalled; at worst its next tick, seconds away). */
export async function requestCalendarRun(ctx: AppContext, actor: Actor, calendar?: string): Promise<string[]> {
  const mapped = (await selectMappedCalendars(ctx.db)).map((m) => m.calendar);
  const chosen = calendar ? mapped.filter((c) => c === calendar.toLowerCase()) : mapped;
  if (calendar && chosen.length === 0) {
    throw new AppError('not_found', `No Outlook-mapped diary uses the calendar ${calendar}`, [{ field: 'calendar', message: 'not a mapped calendar' }]);
  }
  await requestRun(ctx.db, chosen, ctx.now());
  ctx.logger.info({ calendars: chosen.length, by: actor.username }, 'calendar sync requested');
  return chosen;
}

export interface PollOptions {
  gateway?: CalendarGateway;
  /** Run now, whatever CALI_POLL says (run-now); still refused when the flow may not run. */
  force?: boolean;
  /** Only this calendar. */
  calendar?: string;
  /** Calendars synced at once (each keeps ≤ 4 Graph requests in flight through the adapter). */
  concurrency?: number;
  pageSize?: number;
  windowFor?: SyncOptions['windowFor'];
}

export interface PollRound {
  /** Why nothing ran. */
  held?: string;
  results: CalendarRunResult[];
}

export interface PollPlan {
  held?: string;
  /** Calendars to sync now (lower-case). */
  due: string[];
  gateway?: CalendarGateway;
  settings?: Awaited<ReturnType<typeof inboundCalendarSettings>>;
}

/**
 * Which calendars to sync now: all mapped calendars whose last run is CALI_POLL minutes old (or the
 * one asked for, or all with `force`) — none, with the reason recorded per calendar, when the flow
 * may not run. CALI_POLL is read here every time, so a change applies at the next tick.
 */
export async function planPoll(ctx: AppContext, opts: PollOptions = {}): Promise<PollPlan> {
  const gateway = opts.gateway ?? ctx.graph?.calendar;
  // One calendar (a sync job checking again before its run): only its rows are read, never every
  // mapped calendar's and every state — per job that made a cycle over N calendars read N² rows.
  const wanted = await selectMappedCalendars(ctx.db, opts.calendar);
  const why = await whyNotRunning(ctx, gateway);
  const { stopped } = await readPollStopped(ctx.db);
  if (stopped) why.push('calendar polling is stopped');
  if (why.length > 0) {
    // Recorded per calendar, so the Integration page says why a calendar has not been read.
    const held = `Not polled: ${why.join('; ')}`;
    await recordNotRun(ctx.db, wanted.map((m) => m.calendar), held, ctx.now());
    return { held, due: [] };
  }
  const settings = await inboundCalendarSettings(ctx);
  const states = new Map<string, CalendarSyncState>();
  if (!opts.force) {
    const read = opts.calendar ? [await selectSyncState(ctx.db, opts.calendar, ctx.now())].filter((s) => s !== undefined) : await selectSyncStates(ctx.db, ctx.now());
    for (const s of read) states.set(s.calendar, s);
  }
  // CALI_POLL minutes from the start of the last run (lastRunAt is set when a run claims the calendar).
  const now = ctx.now();
  const due = wanted.filter((m) => opts.force || states.get(m.calendar)?.runRequestedAt || isPollDue(states.get(m.calendar)?.lastRunAt ?? null, settings.pollMinutes, now));
  return { due: due.map((m) => m.calendar), gateway, settings };
}

/** One poll round in this process: every calendar that is due (or the one asked for), a few at a time. */
export async function pollCalendars(ctx: AppContext, opts: PollOptions = {}): Promise<PollRound> {
  const plan = await planPoll(ctx, opts);
  if (plan.held) return { held: plan.held, results: [] };
  const limit = pLimit(opts.concurrency ?? 8);
  const results: CalendarRunResult[] = await Promise.all(
    plan.due.map((c) => limit(() => syncCalendar(ctx, c, { gateway: plan.gateway!, settings: plan.settings!, pageSize: opts.pageSize, windowFor: opts.windowFor }))),
  );
  return { results };
}
