// What a booking looks like as an Outlook event: subject and body from templates (LiquidJS), start and
// end as wall-clock times in OUTLOOK365_TIMEZONE, and our marker. Personal data is kept to what the
// calendar owner needs to turn up: the reference, the diary, the reason and the address — not the
// tenant's name, phone or notes (those stay in housing, one click away via the reference).
import { Liquid } from 'liquidjs';
import { DateTime } from 'luxon';
import { graphTimeZoneToIana, ianaToWindowsZone, isWindowsTimeZone } from '../time/zones.ts';
import { isRepeatedWallTime } from '../time/wall-clock.ts';

export const DEFAULT_EVENT_SUBJECT = 'Appointment {{ ref }}: {{ diary.name }}';
export const DEFAULT_EVENT_BODY = [
  'Appointment reference: {{ ref }}',
  'Diary: {{ diary.name }} ({{ diary.code }})',
  '{% if location %}Address: {{ location }}\n{% endif %}{% if reason %}Reason: {{ reason }}\n{% endif %}',
  'This appointment is managed in housing365. Moving or deleting it here moves or cancels the booking, under the diary’s rules.',
].join('\n');

/** OUTLOOK365_TIMEZONE unset: the guide says the parameter is for non-UK customers only. */
export const DEFAULT_OUTLOOK_TIME_ZONE = 'GMT Standard Time';

export interface EventMergeFields {
  ref: number;
  diary: { code: string; name: string };
  reason: string | null;
  location: string | null;
  status: string;
}

const liquid = new Liquid({ strictFilters: true, ownPropertyOnly: true });

export function renderEventText(template: string, fields: EventMergeFields): string {
  return liquid.parseAndRenderSync(template, fields).trim();
}

/** The Windows name to send Graph: OUTLOOK365_TIMEZONE as given, or the Windows name of an IANA one. */
export function outlookWindowsZone(param: string | null | undefined): string {
  const v = param?.trim() || DEFAULT_OUTLOOK_TIME_ZONE;
  if (isWindowsTimeZone(v)) return v;
  return ianaToWindowsZone(v) ?? DEFAULT_OUTLOOK_TIME_ZONE;
}

/**
 * An instant as Graph's dateTimeTimeZone in a Windows zone: local wall-clock time, DST exact. A wall
 * time that happens twice (the repeated hour when the clocks go back: 01:30 "GMT Standard Time" on
 * 31 Oct 2027 is 00:30Z and 01:30Z) would let Graph pick either, so that one instant is sent in UTC.
 */
export function toWallClock(at: Date, windowsZone: string): { dateTime: string; timeZone: string } {
  const iana = graphTimeZoneToIana(windowsZone);
  if (!iana) throw new Error(`no IANA zone for ${windowsZone}`);
  const wallFormat = "yyyy-LL-dd'T'HH:mm:ss";
  if (isRepeatedWallTime(at, iana)) return { dateTime: DateTime.fromJSDate(at, { zone: 'utc' }).toFormat(wallFormat), timeZone: 'UTC' };
  return { dateTime: DateTime.fromJSDate(at, { zone: iana }).toFormat(wallFormat), timeZone: windowsZone };
}

/** The marker in our extended property: says "this event is booking <ref>". */
export const bookingMarker = (ref: number): string => `booking:${ref}`;

export function parseBookingMarker(marker: string | undefined | null): number | undefined {
  const m = /^booking:(\d+)$/.exec(marker ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Deterministic transactionId for the create: the same booking, calendar and generation always give
 * the same id, so a create retried after a lost answer returns the first event (Graph dedups on it).
 * The generation moves on whenever an event has to be made afresh (diary re-pointed, event gone).
 */
export function bookingTransactionId(bookingId: number, calendar: string, generation: number): string {
  let h = 2166136261;
  for (const c of calendar.toLowerCase()) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `h365-bk${bookingId}-g${generation}-${h.toString(16).padStart(8, '0')}`;
}
