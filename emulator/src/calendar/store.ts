// Calendar mutations. Every change takes the calendar's next sequence number and appends to its
// change log, so calendarView delta serves a page in O(page) from a position in the log.
import { randomBytes } from 'node:crypto';
import type { ChangeEvent, UserState } from '../contracts.ts';
import { newChangeKey, newImmutableId } from '../ids.ts';
import type { CalendarFolder, CalendarState, EventShape, StoredEvent } from './model.ts';

type Emit = (c: ChangeEvent) => void;

export function newCalendarFolder(name: string, isDefault: boolean): CalendarFolder {
  return {
    id: newImmutableId('calendar'),
    name,
    color: 'auto',
    hexColor: '',
    isDefaultCalendar: isDefault,
    changeKey: newChangeKey(),
    seq: 0,
    log: [],
  };
}

export function newCalendarState(): CalendarState {
  const cal = newCalendarFolder('Calendar', true);
  return { defaultCalendarId: cal.id, calendars: { [cal.id]: cal }, events: {}, transactionIds: {}, deltaEpoch: 0 };
}

/** The user's calendar data, created on first use (users made before the module loaded). */
export function calendarOf(user: UserState): CalendarState {
  if (!user.calendar || typeof user.calendar !== 'object' || !('calendars' in (user.calendar as object))) {
    user.calendar = newCalendarState();
  }
  return user.calendar as CalendarState;
}

export function findCalendar(cal: CalendarState, idOrName: string | undefined): CalendarFolder | undefined {
  if (idOrName === undefined) return cal.calendars[cal.defaultCalendarId];
  return cal.calendars[idOrName];
}

/** Exchange's iCalUId shape: the fixed Outlook prefix then a random global object id. */
export function newICalUId(): string {
  return '040000008200E00074C5B7101A82E00800000000' + randomBytes(24).toString('hex').toUpperCase();
}

/** How many past shapes an event keeps (older delta tokens lose occurrence-level removals). */
const HISTORY = 8;

function recordShape(ev: StoredEvent): void {
  const shape: EventShape = { seq: ev.seq, startMs: ev.startMs, endMs: ev.endMs, recurrence: ev.recurrence, originalStartTimeZone: ev.originalStartTimeZone };
  const h = (ev.history ??= []);
  const last = h[h.length - 1];
  if (last && last.startMs === shape.startMs && last.endMs === shape.endMs && last.originalStartTimeZone === shape.originalStartTimeZone
    && JSON.stringify(last.recurrence) === JSON.stringify(shape.recurrence)) return;
  h.push(structuredClone(shape));
  if (h.length > HISTORY) h.splice(0, h.length - HISTORY);
}

/** The event's shape as a client that synced up to `seq` saw it (undefined: created later or forgotten). */
export function shapeAt(ev: StoredEvent, seq: number): EventShape | undefined {
  const h = ev.history ?? [];
  for (let i = h.length - 1; i >= 0; i--) if (h[i]!.seq <= seq) return h[i];
  return undefined;
}

function logChange(folder: CalendarFolder, ev: StoredEvent): void {
  ev.seq = ++folder.seq;
  folder.log.push({ seq: ev.seq, id: ev.id });
  compactLog(folder, ev);
}

/** Drops superseded log entries once they dominate; tokens hold seq numbers, so it's invisible. */
function compactLog(folder: CalendarFolder, _ev: StoredEvent): void {
  if (folder.log.length < 1024 || folder.log.length % 512 !== 0) return;
  const latest = new Map<string, number>();
  for (const e of folder.log) latest.set(e.id, e.seq);
  if (latest.size * 2 <= folder.log.length) folder.log = folder.log.filter((e) => latest.get(e.id) === e.seq);
}

export function insertEvent(user: UserState, folder: CalendarFolder, ev: StoredEvent, emit: Emit, byOwner = false): StoredEvent {
  const cal = calendarOf(user);
  ev.calendarId = folder.id;
  ev.changeKey = newChangeKey();
  cal.events[ev.id] = ev;
  if (ev.transactionId) cal.transactionIds[ev.transactionId] = ev.id;
  logChange(folder, ev);
  recordShape(ev);
  emit({ userId: user.id, resource: 'events', folderId: folder.id, id: ev.id, changeType: 'created', byOwner });
  return ev;
}

/** Call after mutating `ev`: new changeKey, lastModifiedDateTime, seq; notifies the feed. */
export function eventChanged(user: UserState, ev: StoredEvent, nowIso: string, emit: Emit, byOwner = false): void {
  const folder = calendarOf(user).calendars[ev.calendarId];
  ev.changeKey = newChangeKey();
  ev.lastModifiedDateTime = nowIso;
  if (folder) logChange(folder, ev);
  recordShape(ev);
  emit({ userId: user.id, resource: 'events', folderId: ev.calendarId, id: ev.id, changeType: 'updated', byOwner });
}

/** Deletes the event, leaving a tombstone for delta. */
export function removeEvent(user: UserState, ev: StoredEvent, emit: Emit, byOwner = false): void {
  const cal = calendarOf(user);
  const folder = cal.calendars[ev.calendarId];
  if (ev.transactionId && cal.transactionIds[ev.transactionId] === ev.id) delete cal.transactionIds[ev.transactionId];
  const tomb = {
    id: ev.id, calendarId: ev.calendarId, seq: ev.seq, deleted: true, startMs: ev.startMs, endMs: ev.endMs,
    recurrence: ev.recurrence, originalStartTimeZone: ev.originalStartTimeZone, history: ev.history,
  } as StoredEvent;
  cal.events[ev.id] = tomb;
  if (folder) logChange(folder, tomb);
  emit({ userId: user.id, resource: 'events', folderId: ev.calendarId, id: ev.id, changeType: 'deleted', byOwner });
}

/** A live (not deleted) event by id. */
export function findEvent(user: UserState, id: string): StoredEvent | undefined {
  const ev = calendarOf(user).events[id];
  return ev && !ev.deleted ? ev : undefined;
}

export function newEventId(): string {
  return newImmutableId('event');
}
