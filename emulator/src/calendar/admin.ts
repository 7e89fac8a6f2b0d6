// Admin API: act as the calendar owner in Outlook. Each change bumps changeKey, takes a calendar
// seq (so calendarView delta sees it) and goes through the change feed (so subscriptions notify),
// exactly as a change through Graph does.
import { GraphError } from '../contracts.ts';
import type { AdminRouteContext, ModuleHost, RouteResult, UserState } from '../contracts.ts';
import { applyEventInput, blankEvent } from './event-input.ts';
import { meetingCancelled, meetingCreated, meetingUpdated, respondToMeeting, type MeetingContext, type ResponseKind } from './meetings.ts';
import type { StoredEvent } from './model.ts';
import { UTC_OUTPUT, renderEvent } from './render.ts';
import { calendarOf, eventChanged, findCalendar, findEvent, insertEvent, newEventId, newICalUId, removeEvent } from './store.ts';
import { instantToWallTime, localDate, resolveTimeZone, wallTimeToInstant } from './timezones.ts';

function meetingContext(host: ModuleHost, ctx: AdminRouteContext): MeetingContext {
  const emit = (c: Parameters<typeof ctx.emit>[0]) => ctx.emit({ ...c, byOwner: true });
  return { host, state: ctx.state, nowIso: ctx.clock.now().toISOString(), emit };
}

function userOf(ctx: AdminRouteContext): UserState {
  if (!ctx.user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${ctx.params.user ?? ''}' is invalid.`);
  return ctx.user;
}

function eventOf(ctx: AdminRouteContext): { user: UserState; ev: StoredEvent } {
  const user = userOf(ctx);
  const ev = findEvent(user, ctx.params.id ?? '');
  if (!ev) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  return { user, ev };
}

/** Applies a Graph-shaped change as the owner; validation as for PATCH. Outlook then sends the
 *  attendees an update (we assume the owner answers "Send update"). */
function ownerEdit(host: ModuleHost, ctx: AdminRouteContext, change: Record<string, unknown>): RouteResult {
  const { user, ev } = eventOf(ctx);
  const draft = structuredClone(ev);
  applyEventInput(draft, change, false);
  const before = structuredClone(ev);
  Object.assign(ev, draft);
  eventChanged(user, ev, ctx.clock.now().toISOString(), ctx.emit, true);
  meetingUpdated(meetingContext(host, ctx), user, before, ev);
  return { status: 200, body: renderEvent(ev, user, { tz: UTC_OUTPUT }) };
}

const EDITABLE = ['subject', 'body', 'location', 'locations', 'showAs', 'importance', 'sensitivity', 'categories', 'attendees', 'isReminderOn', 'reminderMinutesBeforeStart', 'start', 'end', 'isAllDay', 'recurrence', 'singleValueExtendedProperties'];

function pick(body: unknown, keys: string[]): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (b[k] !== undefined) out[k] = b[k];
  return out;
}

export function registerCalendarAdmin(host: ModuleHost): void {
  const r = host.registerAdminRoute;

  r({ method: 'GET', pattern: '/users/:user/events', handler: (ctx) => {
    const user = userOf(ctx);
    const events = Object.values(calendarOf(user).events).filter((e) => !e.deleted).map((e) => renderEvent(e, user, { tz: UTC_OUTPUT, expand: { single: true } }));
    return { status: 200, body: { value: events } };
  } });

  // Create an event as the owner (e.g. a booking made directly in Outlook).
  r({ method: 'POST', pattern: '/users/:user/events', handler: (ctx) => {
    const user = userOf(ctx);
    const cal = calendarOf(user);
    const folder = findCalendar(cal, (ctx.body as { calendarId?: string } | undefined)?.calendarId);
    if (!folder) throw new GraphError(404, 'ErrorItemNotFound', 'The specified calendar was not found.');
    const ev = blankEvent(user, newEventId(), ctx.clock.now().toISOString());
    ev.iCalUId = newICalUId();
    applyEventInput(ev, (ctx.body ?? {}) as Record<string, unknown>, true);
    insertEvent(user, folder, ev, ctx.emit, true);
    meetingCreated(meetingContext(host, ctx), user, ev);
    return { status: 201, body: renderEvent(ev, user, { tz: UTC_OUTPUT }) };
  } });

  // Any owner edit, Graph PATCH shape (subject/body/location/showAs/start/end/isAllDay/recurrence…).
  r({ method: 'PATCH', pattern: '/users/:user/events/:id', handler: (ctx) => ownerEdit(host, ctx, pick(ctx.body, EDITABLE)) });
  r({ method: 'POST', pattern: '/users/:user/events/:id/edit', handler: (ctx) => ownerEdit(host, ctx, pick(ctx.body, EDITABLE)) });

  // Move: {start, end} as dateTimeTimeZone, or {startDateTime, endDateTime} ISO instants,
  // or {shiftMinutes} to move by an amount keeping the duration.
  r({ method: 'POST', pattern: '/users/:user/events/:id/move', handler: (ctx) => {
    const { ev } = eventOf(ctx);
    const b = (ctx.body ?? {}) as Record<string, any>;
    if (b.start && b.end) return ownerEdit(host, ctx, { start: b.start, end: b.end });
    let startMs: number;
    let endMs: number;
    if (typeof b.shiftMinutes === 'number') {
      startMs = ev.startMs + b.shiftMinutes * 60_000;
      endMs = ev.endMs + b.shiftMinutes * 60_000;
    } else if (typeof b.startDateTime === 'string') {
      startMs = Date.parse(b.startDateTime);
      endMs = typeof b.endDateTime === 'string' ? Date.parse(b.endDateTime) : startMs + (ev.endMs - ev.startMs);
    } else {
      throw new GraphError(400, 'ErrorInvalidRequest', 'Give {start,end} (dateTimeTimeZone), {startDateTime[,endDateTime]} or {shiftMinutes}.');
    }
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) throw new GraphError(400, 'ErrorInvalidRequest', 'Unreadable date-time.');
    return ownerEdit(host, ctx, {
      start: { dateTime: instantToWallTime(startMs, 'UTC'), timeZone: 'UTC' },
      end: { dateTime: instantToWallTime(endMs, 'UTC'), timeZone: 'UTC' },
    });
  } });

  // Make it all-day: midnight to midnight in the event's own zone, over the days it touches.
  r({ method: 'POST', pattern: '/users/:user/events/:id/all-day', handler: (ctx) => {
    const { ev } = eventOf(ctx);
    const zoneName = ev.originalStartTimeZone;
    const zone = resolveTimeZone(zoneName) ?? 'UTC';
    const s = localDate(ev.startMs, zone);
    const e = localDate(Math.max(ev.startMs, ev.endMs - 1), zone);
    const day = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00`;
    const endDate = new Date(Date.UTC(e.year, e.month - 1, e.day + 1));
    const startWall = day(s.year, s.month, s.day);
    const endWall = day(endDate.getUTCFullYear(), endDate.getUTCMonth() + 1, endDate.getUTCDate());
    if (wallTimeToInstant(startWall, zone) === null) throw new GraphError(500, 'generalException', 'date conversion failed');
    return ownerEdit(host, ctx, { isAllDay: true, start: { dateTime: startWall, timeZone: zoneName }, end: { dateTime: endWall, timeZone: zoneName } });
  } });

  // Turn into a series: {recurrence} (patternedRecurrence) or shorthand {pattern:'daily'|'weekly', interval?, count?}.
  r({ method: 'POST', pattern: '/users/:user/events/:id/recurring', handler: (ctx) => {
    const { ev } = eventOf(ctx);
    const b = (ctx.body ?? {}) as Record<string, any>;
    let recurrence = b.recurrence;
    if (!recurrence) {
      const zone = resolveTimeZone(ev.originalStartTimeZone) ?? 'UTC';
      const d = localDate(ev.startMs, zone);
      const startDate = `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
      const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][d.weekday]!;
      const type = b.pattern === 'weekly' ? 'weekly' : 'daily';
      recurrence = {
        pattern: { type, interval: b.interval ?? 1, ...(type === 'weekly' ? { daysOfWeek: [weekday], firstDayOfWeek: 'sunday' } : {}) },
        range: b.count ? { type: 'numbered', startDate, numberOfOccurrences: b.count } : { type: 'noEnd', startDate },
      };
    }
    return ownerEdit(host, ctx, { recurrence });
  } });

  // The mailbox owner answers a meeting request in Outlook: {response: 'accept'|'tentativelyAccept'|'decline', comment?, sendResponse?}.
  r({ method: 'POST', pattern: '/users/:user/events/:id/respond', handler: (ctx) => {
    const { user, ev } = eventOf(ctx);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    const kind = b.response as ResponseKind;
    if (!['accept', 'tentativelyAccept', 'decline'].includes(kind)) {
      throw new GraphError(400, 'ErrorInvalidRequest', "'response' must be accept, tentativelyAccept or decline.");
    }
    respondToMeeting(meetingContext(host, ctx), user, ev, kind, b);
    return { status: 202 };
  } });

  r({ method: 'DELETE', pattern: '/users/:user/events/:id', handler: (ctx) => {
    const { user, ev } = eventOf(ctx);
    meetingCancelled(meetingContext(host, ctx), user, ev);
    removeEvent(user, ev, ctx.emit, true);
    return { status: 204 };
  } });

  // Expire calendarView delta tokens (one user, or everyone). The core's "expire delta tokens"
  // bumps mailbox.deltaEpoch, which calendar tokens also carry, so it expires them too.
  r({ method: 'POST', pattern: '/calendar/expire-tokens', handler: (ctx) => {
    const want = (ctx.body as { user?: string } | undefined)?.user ?? ctx.query.get('user') ?? undefined;
    let n = 0;
    for (const u of Object.values(ctx.state.users)) {
      if (want && ![u.id, u.userPrincipalName.toLowerCase()].includes(want.toLowerCase()) && u.id !== want) continue;
      calendarOf(u).deltaEpoch++;
      n++;
    }
    ctx.markDirty();
    return { status: 200, body: { expired: n } };
  } });
}
