// Local wall-clock times around clock changes. In the autumn one local hour happens twice (Europe/London
// on 31 Oct 2027: 01:00–02:00 BST, then 01:00–02:00 GMT), so "01:00" alone names two instants; in the
// spring one local hour does not happen at all. Slots are generated for both occurrences of a repeated
// hour (slots.ts) and every screen that shows a slot's time adds the zone's name to a repeated time —
// "01:00 BST", "01:00 GMT" — and to nothing else, so ordinary times read as they always have.
import { DateTime } from 'luxon';

/** Whether the local wall time of `at` in `zone` happens twice (the repeated hour of an autumn change). */
export function isRepeatedWallTime(at: Date, zone: string): boolean {
  return DateTime.fromJSDate(at, { zone }).getPossibleOffsets().length > 1;
}

/** The zone's short name at `at` in British English: "BST", "GMT", "CEST" (or "GMT+2" where there is none). */
export function zoneAbbreviation(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).setLocale('en-GB').toFormat('ZZZZ');
}

/** `at` in `zone` as luxon `format`, followed by the zone's name when that wall time happens twice. */
export function formatLocal(at: Date, zone: string, format: string): string {
  const text = DateTime.fromJSDate(at, { zone }).toFormat(format);
  return isRepeatedWallTime(at, zone) ? `${text} ${zoneAbbreviation(at, zone)}` : text;
}
