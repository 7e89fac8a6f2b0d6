import { createRequire } from 'node:module';
import type { Db } from '../../adapters/db/database.ts';
import { readParameters } from '../../adapters/db/parameters.ts';
import { selectActiveHolidayFile, selectSettings } from '../../adapters/db/complaint-setup.ts';
import { buildCalendar } from '../../domain/complaints/holidays.ts';
import { addWorkingDays, localDate, type IsoDate, type Nation, type WorkingCalendar } from '../../domain/complaints/working-days.ts';
import { graphTimeZoneToIana } from '../../domain/time/zones.ts';

// The complaint clock as of now: the organisation's zone (OUTLOOK365_TIMEZONE, Europe/London when
// unset) decides which day it is; the nation setting and the shipped or loaded bank holidays decide
// which days are working days. Read fresh for each use: a change of setting applies to deadlines
// computed after it, never to stored ones.

export const DATE_HOLIDAYS_VERSION: string = (createRequire(import.meta.url)('date-holidays/package.json') as { version: string }).version;

/** Days at most this many working days away count as "due soon" (issue 19: within 2 working days). */
export const DUE_SOON_WORKING_DAYS = 2;

export interface ComplaintClock {
  zone: string;
  nation: Nation;
  calendar: WorkingCalendar;
  today: IsoDate;
  /** The last day that is still "due soon". */
  soonUntil: IsoDate;
  dayOf(at: Date): IsoDate;
}

export async function organisationZone(db: Db): Promise<string> {
  const v = (await readParameters(db)).get('OUTLOOK365_TIMEZONE')?.value?.trim();
  return (v && graphTimeZoneToIana(v)) || 'Europe/London';
}

export async function calendarFor(db: Db, nation: Nation, around: number): Promise<WorkingCalendar> {
  const override = await selectActiveHolidayFile(db, nation);
  return buildCalendar(nation, { from: around - 3, to: around + 3 }, DATE_HOLIDAYS_VERSION, override && { id: override.id, sha256: override.sha256, dates: override.dates });
}

export async function complaintClock(db: Db, now: Date): Promise<ComplaintClock> {
  const [zone, settings] = await Promise.all([organisationZone(db), selectSettings(db)]);
  const today = localDate(now, zone);
  const calendar = await calendarFor(db, settings.nation, Number(today.slice(0, 4)));
  return { zone, nation: settings.nation, calendar, today, soonUntil: addWorkingDays(calendar, today, DUE_SOON_WORKING_DAYS), dayOf: (at) => localDate(at, zone) };
}
