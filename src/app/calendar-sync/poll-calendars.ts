import pLimit from 'p-limit';
// Calendar polling as a whole (guide §2.4.3 "Start Inbound Poll"): which calendars are polled, whether
// the flow may run and why not, start / stop / run-now, and one poll round over every calendar that
// is due (CALI_POLL minutes since its last run). The job scheduler, the CLI and the Integration page
// all call these.
import { readPollStopped, recordNotRun, requestRun, selectMappedCalendars, selectSyncLog, selectSyncState, selectSyncStates, writePollStopped, type CalendarSyncState, type SyncLogEntry } from '../../adapters/db/calendar-sync.ts';

export type { SyncLogEntry };
import { isPollDue, nextPollDue } from '../../domain/params/poll-cadence.ts';
import { schedulerLiveness } from '../poll-flows.ts';
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
  /** When a job process last checked what is due (the running system's own record). */
  lastCheckedAt: Date | null;
  /** nextRunAt: when the calendar's next poll is due (now, when never run or asked for); null when not polled. */
  calendars: Array<{ calendar: string; diaryCodes: string[]; state: CalendarSyncState | null; nextRunAt: Date | null }>;
}

/**
 * What the running system does, read from the database — the flow's switches, the job processes'
 * last check, each calendar's last run and next due time — so a CLI or web process without a Graph
 * connection of its own reports it truly (issue 14 §4).
 */
export async function calendarPollStatus(ctx: AppContext): Promise<CalendarPollStatus> {
  const [why, scheduler, stop, settings, mapped, states] = await Promise.all([
    flowReasons(ctx),
    schedulerLiveness(ctx),
    readPollStopped(ctx.db),
    inboundCalendarSettings(ctx),
    selectMappedCalendars(ctx.db),
    selectSyncStates(ctx.db, ctx.now()),
  ]);
  const byCalendar = new Map(states.map((s) => [s.calendar, s]));
  const reasons = [...why, ...(stop.stopped ? ['Calendar polling is stopped (housing365 calendars start, or Start on the Integration page)'] : [])];
  if (scheduler.problem) reasons.push(scheduler.problem);
  const running = reasons.length === 0;
  const nextRunAt = (s: CalendarSyncState | undefined) => (!running ? null : s?.runRequestedAt ? ctx.now() : (nextPollDue(s?.lastRunAt ?? null, settings.pollMinutes) ?? ctx.now()));
  return {
    running,
    stopped: stop.stopped,
    stoppedSince: stop.since,
    reasons,
    pollMinutes: settings.pollMinutes,
    lastCheckedAt: scheduler.lastTickAt,
    calendars: mapped.map((m) => ({ calendar: m.calendar, diaryCodes: m.diaryCodes, state: byCalendar.get(m.calendar) ?? null, nextRunAt: nextRunAt(byCalendar.get(m.calendar)) })),
  };
}

export const calendarSyncLog = (ctx: AppContext, f: { calendar?: string; limit?: number } = {}): Promise<SyncLogEntry[]> => selectSyncLog(ctx.db, f);

/** Why the inbound appointments flow may not run (empty when it may): licence, switches, parameters. */
async function flowReasons(ctx: AppContext): Promise<string[]> {
  const status = await getIntegrationStatus(ctx);
  const flow = status.flows.find((f) => f.flow === 'apptIn');
  return flow?.running ? [] : [...(flow?.reasons ?? ['inbound appointments are not configured'])];
}

/** Why this process may not read the calendars now: the flow, plus its own Graph connection. */
async function whyNotRunning(ctx: AppContext, gateway?: CalendarGateway): Promise<string[]> {
  const reasons = await flowReasons(ctx);
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
