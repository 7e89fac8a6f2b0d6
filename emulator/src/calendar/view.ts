// What a calendar view contains: single instances and (expanded) occurrences overlapping a window.
// https://learn.microsoft.com/graph/api/user-list-calendarview
import { GraphError } from '../contracts.ts';
import type { CalendarState, StoredEvent } from './model.ts';
import { expandOccurrences, isExpandable, type Occurrence } from './recurrence.ts';

export interface ViewItem {
  ev: StoredEvent;
  occurrence?: Occurrence;
  /** Sort/paging key: the id that goes out. */
  id: string;
  startMs: number;
}

export function overlaps(startMs: number, endMs: number, fromMs: number, toMs: number): boolean {
  if (startMs === endMs) return startMs >= fromMs && startMs < toMs;
  return startMs < toMs && endMs > fromMs;
}

/** View items of one live event (several for an expandable series). */
export function itemsOfEvent(ev: StoredEvent, fromMs: number, toMs: number): ViewItem[] {
  if (ev.deleted) return [];
  if (ev.recurrence && isExpandable(ev)) {
    return expandOccurrences(ev, fromMs, toMs).map((o) => ({ ev, occurrence: o, id: o.id, startMs: o.startMs }));
  }
  return overlaps(ev.startMs, ev.endMs, fromMs, toMs) ? [{ ev, id: ev.id, startMs: ev.startMs }] : [];
}

export function viewItems(cal: CalendarState, calendarId: string, fromMs: number, toMs: number): ViewItem[] {
  const out: ViewItem[] = [];
  for (const ev of Object.values(cal.events)) {
    if (ev.calendarId !== calendarId || ev.deleted) continue;
    for (const item of itemsOfEvent(ev, fromMs, toMs)) out.push(item);
  }
  return out;
}

/** calendarView's window parameters; both are required (400 ErrorInvalidParameter otherwise). */
export function parseWindow(q: URLSearchParams): { fromMs: number; toMs: number } {
  const get = (name: string) => {
    for (const [k, v] of q) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  const s = get('startdatetime');
  const e = get('enddatetime');
  if (!s || !e) {
    throw new GraphError(400, 'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
  }
  const fromMs = parseInstant(s);
  const toMs = parseInstant(e);
  if (fromMs === null || toMs === null) {
    throw new GraphError(400, 'ErrorInvalidParameter', `The value '${fromMs === null ? s : e}' of parameter '${fromMs === null ? 'StartDateTime' : 'EndDateTime'}' is invalid.`);
  }
  return { fromMs, toMs };
}

/** ISO 8601; without an offset the value is taken as UTC. */
export function parseInstant(s: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(s.trim());
  if (!m) return null;
  const frac = m[3] ? m[3].slice(0, 4) : '';
  const offset = m[4] ? (m[4].toUpperCase() === 'Z' ? 'Z' : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4]) : 'Z';
  const t = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${frac}${offset}`);
  return Number.isNaN(t) ? null : t;
}
