// Time zones as Graph's dateTimeTimeZone sees them.
// https://learn.microsoft.com/graph/api/resources/datetimetimezone
// Graph accepts every Windows zone name and the IANA names it lists, and returns wall-clock
// times without an offset ("2026-03-29T10:00:00.0000000") next to the zone name. We store
// instants (epoch ms, UTC) and convert with Node's Intl, so DST is whatever ICU says — exact.
import { findIana, WINDOWS_TO_IANA_MAP } from 'windows-iana';

const UTC_NAMES = new Set(['utc', 'etc/utc', 'etc/gmt', 'gmt', 'tzone://microsoft/utc', 'z', 'coordinated universal time']);

const windowsByLower = new Map<string, string>();
for (const row of WINDOWS_TO_IANA_MAP) windowsByLower.set(row.windowsName.toLowerCase(), row.windowsName);

const ianaCache = new Map<string, string | null>();

/** The IANA zone for a Windows or IANA name, or null when neither Windows nor ICU knows it. */
export function resolveTimeZone(name: string | undefined | null): string | null {
  if (name == null) return null;
  const trimmed = name.trim();
  const key = trimmed.toLowerCase();
  if (key === '' ) return null;
  if (UTC_NAMES.has(key)) return 'UTC';
  const cached = ianaCache.get(key);
  if (cached !== undefined) return cached;
  let resolved: string | null = null;
  const windowsName = windowsByLower.get(key);
  if (windowsName) {
    // Territory 001 is CLDR's "golden" zone for a Windows name (GMT Standard Time → Europe/London).
    resolved = findIana(windowsName, '001')[0] ?? findIana(windowsName)[0] ?? null;
  } else if (isIanaZone(trimmed)) {
    resolved = canonicalIana(trimmed);
  }
  ianaCache.set(key, resolved);
  return resolved;
}

function isIanaZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function canonicalIana(name: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

const formatterCache = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatterCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatterCache.set(zone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

function exactWallClock(instantMs: number, zone: string): WallClock {
  const parts = formatter(zone).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'), month: get('month'), day: get('day'),
    hour: get('hour') % 24, minute: get('minute'), second: get('second'),
    ms: ((instantMs % 1000) + 1000) % 1000,
  };
}

function exactOffset(instantMs: number, zone: string): number {
  const w = exactWallClock(instantMs, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
  return asUtc - instantMs;
}

// Intl's formatToParts costs ~40 µs; offsets only change at transitions, so cache them per
// 15-minute bucket and fall back to the exact answer when a bucket straddles a change.
const BUCKET = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

function bucketOffset(zone: string, bucket: number): number {
  let m = offsetCache.get(zone);
  if (!m) offsetCache.set(zone, (m = new Map()));
  let o = m.get(bucket);
  if (o === undefined) {
    if (m.size > 200_000) m.clear();
    o = exactOffset(bucket * BUCKET, zone);
    m.set(bucket, o);
  }
  return o;
}

/** Offset of `zone` from UTC at `instantMs`, in ms (Europe/London in July → +3_600_000). */
export function offsetAt(instantMs: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const b = Math.floor(instantMs / BUCKET);
  const a = bucketOffset(zone, b);
  return a === bucketOffset(zone, b + 1) ? a : exactOffset(instantMs, zone);
}

function wallClockAt(instantMs: number, zone: string): WallClock {
  const d = new Date(instantMs + offsetAt(instantMs, zone));
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: d.getUTCMilliseconds(),
  };
}

const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The instant for a dateTime string read in `zone` (an IANA name from resolveTimeZone).
 * A string carrying its own offset or `Z` is taken as that instant. A wall time skipped by a
 * spring-forward change moves forward by the gap; an ambiguous autumn time takes the earlier
 * (summer-time) instant, as Windows does.
 */
export function wallTimeToInstant(dateTime: string, zone: string): number | null {
  const m = WALL_RE.exec(dateTime.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', offset] = m;
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(naive)) return null;
  if (offset) {
    if (offset === 'Z') return naive;
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    return naive - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  if (zone === 'UTC') return naive;
  // Two candidate offsets: the zone's offset a day either side covers both sides of any change.
  const before = offsetAt(naive - 86_400_000, zone);
  const after = offsetAt(naive + 86_400_000, zone);
  const candidates = [...new Set([before, after])]
    .map((off) => naive - off)
    .filter((instant) => offsetAt(instant, zone) === naive - instant)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0]!;
  // In the gap of a spring-forward change: use the offset before the change (→ later wall time).
  return naive - before;
}

/** Graph's wall-clock format: seven fractional digits, no offset. */
export function instantToWallTime(instantMs: number, zone: string): string {
  const w = wallClockAt(instantMs, zone);
  const p = (n: number, len = 2) => String(n).padStart(len, '0');
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}.${p(w.ms, 3)}0000`;
}

/** Midnight test for all-day events: Graph requires start and end at midnight in their zone. */
export function isMidnightIn(instantMs: number, zone: string): boolean {
  const w = wallClockAt(instantMs, zone);
  return w.hour === 0 && w.minute === 0 && w.second === 0 && w.ms === 0;
}

/** Calendar date (YYYY-MM-DD) of an instant in a zone; used by recurrence expansion. */
export function localDate(instantMs: number, zone: string): { year: number; month: number; day: number; weekday: number } {
  const w = wallClockAt(instantMs, zone);
  const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return { year: w.year, month: w.month, day: w.day, weekday };
}

/** Same wall-clock time of day as `instantMs`, moved to another calendar date, in `zone`. */
export function shiftToDate(instantMs: number, zone: string, year: number, month: number, day: number): number {
  const w = wallClockAt(instantMs, zone);
  const p = (n: number, len = 2) => String(n).padStart(len, '0');
  const wall = `${p(year, 4)}-${p(month)}-${p(day)}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}.${p(w.ms, 3)}`;
  return wallTimeToInstant(wall, zone) ?? instantMs;
}

/**
 * Parses a `Prefer` header value list for outlook.timezone. Returns the name as the client
 * wrote it (Graph echoes it back in timeZone and Preference-Applied) and its IANA zone.
 */
export function preferredTimeZone(preferHeader: string | string[] | undefined): { name: string; zone: string } | null {
  if (!preferHeader) return null;
  const text = Array.isArray(preferHeader) ? preferHeader.join(',') : preferHeader;
  const m = /outlook\.timezone\s*=\s*(?:"([^"]*)"|([^,;\s]+))/i.exec(text);
  if (!m) return null;
  const name = (m[1] ?? m[2] ?? '').trim();
  const zone = resolveTimeZone(name);
  return zone ? { name, zone } : null;
}
