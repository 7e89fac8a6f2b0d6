// Events: list, get, create (idempotent with transactionId), update, delete.
// https://learn.microsoft.com/graph/api/user-list-events, event-get, user-post-events,
// event-update, event-delete.
import { GraphError } from '../contracts.ts';
import type { ModuleHost, RouteContext, RouteResult, UserState } from '../contracts.ts';
import { applyEventInput, blankEvent } from './event-input.ts';
import { meetingCancelled, meetingCreated, meetingUpdated, respondToMeeting, type MeetingContext, type ResponseKind } from './meetings.ts';
import type { CalendarState, StoredEvent } from './model.ts';
import { parseOccurrenceId, expandOccurrences } from './recurrence.ts';
import { renderEvent, type RenderOptions } from './render.ts';
import {
  calendarFolder, contextUrl, matchesFilter, wantsCount, nextSkipLink, parseFilterParam, parseTopSkip, renderOptions, sortItems, userOf,
} from './request.ts';
import { calendarOf, eventChanged, findEvent, insertEvent, newEventId, newICalUId, removeEvent } from './store.ts';
import { parseWindow } from './view.ts';

function meetingContext(ctx: RouteContext, host: ModuleHost): MeetingContext {
  return { host, state: ctx.state, nowIso: ctx.clock.now().toISOString(), emit: ctx.emit };
}

export function notFound(): GraphError {
  return new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

/** An event by id within the addressed scope (a calendar when `:cal` is in the route). */
function lookup(ctx: RouteContext): { user: UserState; cal: CalendarState; ev: StoredEvent; occurrence?: RenderOptions['occurrence'] } {
  const user = userOf(ctx);
  const cal = calendarOf(user);
  const id = ctx.params.id ?? '';
  // Exchange rejects what cannot be an item id before looking it up.
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(id)) throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  let ev = findEvent(user, id);
  let occurrence: RenderOptions['occurrence'];
  if (!ev) {
    const occ = parseOccurrenceId(id);
    const master = occ ? findEvent(user, occ.masterId) : undefined;
    if (master && occ) {
      const hit = expandOccurrences(master, occ.dayMs - 86_400_000 * 2, occ.dayMs + 86_400_000 * 3).find((o) => o.id === id);
      if (hit) {
        ev = master;
        occurrence = hit;
      }
    }
  }
  if (!ev) throw notFound();
  if (ctx.params.cal !== undefined && ev.calendarId !== ctx.params.cal) throw notFound();
  if (ctx.params.cal === undefined && /\/calendar\/events\//i.test(ctx.path) && ev.calendarId !== cal.defaultCalendarId) throw notFound();
  return { user, cal, ev, occurrence };
}

export function listEvents(ctx: RouteContext): RouteResult {
  const user = userOf(ctx);
  const cal = calendarOf(user);
  // /users/{id}/events covers the mailbox; /calendar/events and /calendars/{id}/events one calendar.
  const onlyCalendar = ctx.params.cal ?? (/\/calendar\/events$/i.test(ctx.path) ? cal.defaultCalendarId : undefined);
  if (onlyCalendar !== undefined) calendarFolder(ctx);
  const o = renderOptions(ctx);
  const filter = parseFilterParam(ctx.query);
  const { top, skip } = parseTopSkip(ctx.query);
  const items = Object.values(cal.events)
    .filter((ev) => !ev.deleted && (onlyCalendar === undefined || ev.calendarId === onlyCalendar))
    .filter((ev) => matchesFilter(filter, ev, user))
    .map((ev) => ({ ev, id: ev.id, startMs: ev.startMs }));
  // Outlook lists events newest-created first unless $orderby says otherwise.
  sortItems(items, ctx.query, (a, b) => (a.ev.createdDateTime < b.ev.createdDateTime ? 1 : a.ev.createdDateTime > b.ev.createdDateTime ? -1 : a.id < b.id ? 1 : -1));
  const page = items.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(ctx, `users('${user.id}')/events`),
    value: page.map((x) => renderEvent(x.ev, user, o)),
  };
  if (wantsCount(ctx)) body['@odata.count'] = items.length;
  if (skip + top < items.length) body['@odata.nextLink'] = nextSkipLink(ctx, skip + top);
  return { status: 200, body };
}

export function getEvent(ctx: RouteContext): RouteResult {
  const { user, ev, occurrence } = lookup(ctx);
  const body = { '@odata.context': contextUrl(ctx, `users('${user.id}')/events/$entity`), ...renderEvent(ev, user, { ...renderOptions(ctx), occurrence }) };
  return { status: 200, body };
}

export function createEvent(ctx: RouteContext, host: ModuleHost): RouteResult {
  const user = userOf(ctx);
  const { cal, folder } = calendarFolder(ctx);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const o = renderOptions(ctx);
  // transactionId: a retried create returns the event the first request made (201, no copy).
  // https://learn.microsoft.com/graph/api/resources/event (transactionId)
  if (typeof body.transactionId === 'string') {
    const existingId = cal.transactionIds[body.transactionId];
    const existing = existingId ? findEvent(user, existingId) : undefined;
    if (existing) {
      return { status: 201, body: { '@odata.context': contextUrl(ctx, `users('${user.id}')/events/$entity`), ...renderEvent(existing, user, o) } };
    }
  }
  const now = ctx.clock.now().toISOString();
  const ev = blankEvent(user, newEventId(), now);
  ev.iCalUId = newICalUId();
  applyEventInput(ev, body, true);
  insertEvent(user, folder, ev, ctx.emit);
  meetingCreated(meetingContext(ctx, host), user, ev);
  return {
    status: 201,
    body: { '@odata.context': contextUrl(ctx, `users('${user.id}')/events/$entity`), ...renderEvent(ev, user, o) },
    headers: { location: `${ctx.graphBaseUrl}/users('${user.id}')/events('${ev.id}')` },
  };
}

/**
 * `If-Match` with the event's @odata.etag (W/"changeKey") makes the PATCH conditional: Exchange
 * refuses a stale one with 412 ErrorIrresolvableConflict ("the change key passed in the request does
 * not match the current change key for the item"). `*` matches any. https://learn.microsoft.com/graph/api/event-update
 */
function checkIfMatch(ctx: RouteContext, changeKey: string): void {
  const raw = ctx.headers['if-match'];
  const v = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!v || v === '*') return;
  const tags = String(v).split(',').map((t: string) => t.trim().replace(/^W\//i, '').replace(/^"(.*)"$/, '$1'));
  if (tags.includes(changeKey)) return;
  throw new GraphError(412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
}

export function updateEvent(ctx: RouteContext, host: ModuleHost): RouteResult {
  const { user, ev, occurrence } = lookup(ctx);
  if (occurrence) {
    throw new GraphError(400, 'ErrorInvalidRequest', 'Updating a single occurrence of a series is not supported by the emulator.');
  }
  checkIfMatch(ctx, ev.changeKey);
  const draft: StoredEvent = structuredClone(ev);
  applyEventInput(draft, (ctx.body ?? {}) as Record<string, unknown>, false);
  const before = structuredClone(ev);
  Object.assign(ev, draft);
  eventChanged(user, ev, ctx.clock.now().toISOString(), ctx.emit);
  meetingUpdated(meetingContext(ctx, host), user, before, ev);
  return { status: 200, body: { '@odata.context': contextUrl(ctx, `users('${user.id}')/events/$entity`), ...renderEvent(ev, user, renderOptions(ctx)) } };
}

/** DELETE: for a meeting on the organizer's calendar, attendees get a cancellation. */
export function deleteEvent(ctx: RouteContext, host: ModuleHost): RouteResult {
  const { user, ev, occurrence } = lookup(ctx);
  if (occurrence) {
    throw new GraphError(400, 'ErrorInvalidRequest', 'Deleting a single occurrence of a series is not supported by the emulator.');
  }
  meetingCancelled(meetingContext(ctx, host), user, ev);
  removeEvent(user, ev, ctx.emit);
  return { status: 204 };
}

function isOrganizer(ev: StoredEvent, user: UserState): boolean {
  return ev.organizer.emailAddress.address.toLowerCase() === user.mail.toLowerCase();
}

/** POST /events/{id}/cancel {comment}: organizer only; cancellation to attendees; 202.
 *  https://learn.microsoft.com/graph/api/event-cancel */
export function cancelEvent(ctx: RouteContext, host: ModuleHost): RouteResult {
  const { user, ev, occurrence } = lookup(ctx);
  if (!isOrganizer(ev, user)) {
    throw new GraphError(400, 'ErrorAccessDenied', "Your request can't be completed. You need to be an organizer to cancel a meeting.");
  }
  if (occurrence) {
    throw new GraphError(400, 'ErrorInvalidRequest', 'Cancelling a single occurrence of a series is not supported by the emulator.');
  }
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const comment = typeof body.comment === 'string' ? body.comment : typeof body.Comment === 'string' ? body.Comment : undefined;
  meetingCancelled(meetingContext(ctx, host), user, ev, comment);
  removeEvent(user, ev, ctx.emit);
  return { status: 202 };
}

/** POST /events/{id}/accept | tentativelyAccept | decline {comment, sendResponse} → 202. */
export function respondEvent(ctx: RouteContext, host: ModuleHost, kind: ResponseKind): RouteResult {
  const { user, ev, occurrence } = lookup(ctx);
  if (occurrence) throw new GraphError(400, 'ErrorInvalidRequest', 'Responding to a single occurrence is not supported by the emulator.');
  respondToMeeting(meetingContext(ctx, host), user, ev, kind, (ctx.body ?? {}) as Record<string, unknown>);
  return { status: 202 };
}

/** GET /events/{id}/instances?startDateTime&endDateTime — occurrences of a series. */
export function listInstances(ctx: RouteContext): RouteResult {
  const { user, ev } = lookup(ctx);
  const { fromMs, toMs } = parseWindow(ctx.query);
  const o = renderOptions(ctx);
  const occ = ev.recurrence ? expandOccurrences(ev, fromMs, toMs) : [];
  return {
    status: 200,
    body: { '@odata.context': contextUrl(ctx, `users('${user.id}')/events('${ev.id}')/instances`), value: occ.map((x) => renderEvent(ev, user, { ...o, occurrence: x })) },
  };
}
