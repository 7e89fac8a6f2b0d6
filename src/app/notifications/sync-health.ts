// The Integration page's sync health: per inbox and per Outlook calendar, one state (healthy,
// throttled, failing, disabled) with the figures behind it — last sync, lag, items today, errors,
// Graph 429s today (every process's, from graph_mailbox_stats), the change-notification subscription
// and its expiry — plus dead letters and a daily activity series for the chart.
import type { Viewer } from '../../domain/tasks/visibility.ts';
import { countDeadLetters, selectCalendarToday, selectDailyActivity, selectInboxToday, selectMailboxStatsToday } from '../../adapters/db/subscriptions-stats.ts';
import { selectSubscriptions, type Subscription } from '../../adapters/db/subscriptions.ts';
import { calendarPollStatus } from '../calendar-sync/poll-calendars.ts';
import { inboundPollStatus } from '../inbound/poll-inboxes.ts';
import type { AppContext } from '../context.ts';
import { notificationUrls } from './subscriptions.ts';

export type SyncState = 'healthy' | 'throttled' | 'failing' | 'disabled';

export interface SyncHealthRow {
  kind: 'inbox' | 'calendar';
  /** Inbox code or calendar address. */
  name: string;
  mailbox: string;
  state: SyncState;
  why: string | null;
  lastSyncAt: Date | null;
  lagSeconds: number | null;
  itemsToday: number;
  errorsToday: number;
  throttledToday: number;
  subscription: Pick<Subscription, 'status' | 'expiresAt' | 'notifications' | 'rejected' | 'lastNotificationAt' | 'lastLifecycleEvent'> | null;
}

export interface SyncHealth {
  notifications: string;
  rows: SyncHealthRow[];
  deadLetters: { emails: number; calendar: number; parked: number };
  daily: { day: string; tasks: number; bookings: number }[];
}

/** A 429 within this long makes a mailbox "throttled". */
const THROTTLED_WINDOW_MS = 15 * 60_000;

export async function syncHealth(ctx: AppContext, viewer: Viewer, opts: { days?: number } = {}): Promise<SyncHealth> {
  const [inbound, calendars, stats, subs, inboxToday, calToday, dead, daily] = await Promise.all([
    inboundPollStatus(ctx, viewer),
    calendarPollStatus(ctx),
    selectMailboxStatsToday(ctx.db),
    selectSubscriptions(ctx.db),
    selectInboxToday(ctx.db),
    selectCalendarToday(ctx.db),
    countDeadLetters(ctx.db),
    selectDailyActivity(ctx.db, opts.days ?? 14),
  ]);
  const now = ctx.now().getTime();
  const sub = (kind: string, target: string) => {
    const s = subs.find((x) => x.kind === kind && x.target === target);
    return s ? { status: s.status, expiresAt: s.expiresAt, notifications: s.notifications, rejected: s.rejected, lastNotificationAt: s.lastNotificationAt, lastLifecycleEvent: s.lastLifecycleEvent } : null;
  };
  const stateOf = (f: { disabled: string | null; failing: string | null; mailbox: string }): { state: SyncState; why: string | null } => {
    if (f.disabled) return { state: 'disabled', why: f.disabled };
    if (f.failing) return { state: 'failing', why: f.failing };
    const last = stats.get(f.mailbox)?.lastThrottledAt;
    if (last && now - last.getTime() < THROTTLED_WINDOW_MS) return { state: 'throttled', why: `Graph answered 429 at ${last.toISOString()}` };
    return { state: 'healthy', why: null };
  };
  const rows: SyncHealthRow[] = [];
  for (const i of inbound.inboxes) {
    const mailbox = i.mailbox.toLowerCase();
    const s = i.state;
    const disabled = !inbound.running ? inbound.reasons.join('; ') : s && !s.pollEnabled ? 'this inbox is stopped' : null;
    const failing = s && s.lastRunOk === false ? s.lastError ?? 'the last run failed' : null;
    const today = inboxToday.get(i.code);
    rows.push({
      kind: 'inbox',
      name: i.code,
      mailbox,
      ...stateOf({ disabled, failing, mailbox }),
      lastSyncAt: s?.cursorSavedAt ?? null,
      lagSeconds: s?.cursorSavedAt ? Math.round((now - s.cursorSavedAt.getTime()) / 1000) : null,
      itemsToday: today?.imported ?? 0,
      errorsToday: today?.failedRuns ?? 0,
      throttledToday: stats.get(mailbox)?.throttled ?? 0,
      subscription: sub('inbox', i.code),
    });
  }
  for (const c of calendars.calendars) {
    const s = c.state;
    const disabled = !calendars.running ? calendars.reasons.join('; ') : null;
    const failing = s?.lastError && (!s.lastSuccessAt || (s.lastErrorAt && s.lastErrorAt > s.lastSuccessAt)) ? s.lastError : null;
    const today = calToday.get(c.calendar);
    rows.push({
      kind: 'calendar',
      name: c.calendar,
      mailbox: c.calendar,
      ...stateOf({ disabled, failing, mailbox: c.calendar }),
      lastSyncAt: s?.lastSuccessAt ?? null,
      lagSeconds: s?.lastSuccessAt ? Math.round((now - s.lastSuccessAt.getTime()) / 1000) : null,
      itemsToday: today?.applied ?? 0,
      errorsToday: today?.errors ?? 0,
      throttledToday: stats.get(c.calendar)?.throttled ?? 0,
      subscription: sub('calendar', c.calendar),
    });
  }
  const urls = notificationUrls(ctx);
  return {
    notifications: 'off' in urls ? urls.off : `on: Graph notifies ${urls.notificationUrl}`,
    rows,
    deadLetters: dead,
    daily,
  };
}
