// Expands a series master into occurrences for calendarView.
// https://learn.microsoft.com/graph/api/resources/patternedrecurrence
// Emulated: daily, weekly (daysOfWeek, firstDayOfWeek, interval) and absoluteMonthly patterns with
// endDate / numbered / noEnd ranges, in the series' time zone (so 10:00 stays 10:00 across DST).
// Not emulated: relativeMonthly, yearly patterns, exceptions and cancelled occurrences.
import type { StoredEvent } from './model.ts';
import { resolveTimeZone, shiftToDate } from './timezones.ts';

export interface Occurrence {
  id: string;
  startMs: number;
  endMs: number;
  seriesMasterId: string;
}

const DAY = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** Hard cap, so a `noEnd` daily series over a long window cannot exhaust memory. */
const MAX_OCCURRENCES = 2000;

function parseDate(s: string): number {
  const [y, m, d] = s.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!);
}

function dateParts(dayMs: number): [number, number, number] {
  const d = new Date(dayMs);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

export function occurrenceId(masterId: string, dayMs: number): string {
  const [y, m, d] = dateParts(dayMs);
  return `${masterId}_${String(y).padStart(4, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

/** `{masterId}_{YYYYMMDD}` → parts, or null for a plain id. */
export function parseOccurrenceId(id: string): { masterId: string; dayMs: number } | null {
  const m = /^(.*)_(\d{4})(\d{2})(\d{2})$/.exec(id);
  if (!m) return null;
  return { masterId: m[1]!, dayMs: Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4])) };
}

export function isExpandable(ev: StoredEvent): boolean {
  const t = ev.recurrence?.pattern.type;
  return t === 'daily' || t === 'weekly' || t === 'absoluteMonthly';
}

/** Candidate dates (UTC midnight ms of the local date) in series order, unbounded above. */
function* candidateDays(ev: StoredEvent): Generator<number> {
  const { pattern, range } = ev.recurrence!;
  const start = parseDate(range.startDate);
  const interval = Math.max(1, pattern.interval || 1);
  if (pattern.type === 'daily') {
    for (let d = start; ; d += interval * DAY) yield d;
  } else if (pattern.type === 'weekly') {
    const days = new Set((pattern.daysOfWeek ?? []).map((x) => WEEKDAYS.indexOf(x)).filter((x) => x >= 0));
    const firstDow = Math.max(0, WEEKDAYS.indexOf(pattern.firstDayOfWeek ?? 'sunday'));
    const startDow = new Date(start).getUTCDay();
    let weekStart = start - ((startDow - firstDow + 7) % 7) * DAY;
    for (;;) {
      for (let i = 0; i < 7; i++) {
        const d = weekStart + i * DAY;
        if (d >= start && days.has(new Date(d).getUTCDay())) yield d;
      }
      weekStart += interval * 7 * DAY;
    }
  } else if (pattern.type === 'absoluteMonthly') {
    const [y0, m0] = dateParts(start);
    for (let k = 0; ; k += interval) {
      const monthIndex = m0 - 1 + k;
      const y = y0 + Math.floor(monthIndex / 12);
      const m = monthIndex % 12;
      const d = Date.UTC(y, m, pattern.dayOfMonth || 1);
      if (new Date(d).getUTCMonth() !== m) continue; // e.g. the 31st in a 30-day month
      if (d >= start) yield d;
    }
  }
}

/** Occurrences of `ev` overlapping [fromMs, toMs). */
export function expandOccurrences(ev: StoredEvent, fromMs: number, toMs: number): Occurrence[] {
  if (!ev.recurrence || !isExpandable(ev)) return [];
  const { range } = ev.recurrence;
  const zone = resolveTimeZone(range.recurrenceTimeZone ?? ev.originalStartTimeZone) ?? 'UTC';
  const duration = ev.endMs - ev.startMs;
  const endDay = range.type === 'endDate' && range.endDate ? parseDate(range.endDate) : Infinity;
  const maxCount = range.type === 'numbered' ? range.numberOfOccurrences ?? 0 : Infinity;
  const out: Occurrence[] = [];
  let count = 0;
  for (const day of candidateDays(ev)) {
    if (day > endDay || count >= maxCount || count >= MAX_OCCURRENCES * 50) break;
    count++;
    const [y, m, d] = dateParts(day);
    const startMs = shiftToDate(ev.startMs, zone, y, m, d);
    if (startMs >= toMs) break;
    if (startMs + duration > fromMs || (duration === 0 && startMs >= fromMs)) {
      out.push({ id: occurrenceId(ev.id, day), startMs, endMs: startMs + duration, seriesMasterId: ev.id });
      if (out.length >= MAX_OCCURRENCES) break;
    }
  }
  return out;
}
