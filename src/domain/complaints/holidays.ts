import Holidays from 'date-holidays';
import { z } from 'zod';
import { isIsoDate, type IsoDate, type Nation, type WorkingCalendar } from './working-days.ts';

// Bank holidays of the three UK jurisdictions. Shipped offline: the `date-holidays` package's rules
// (public holidays of GB-ENG, GB-SCT, GB-NIR; Wales follows England), and — for years an admin has
// loaded a file for — the dates in that file (gov.uk's bank-holidays.json format), which replace the
// package's dates for those years (a one-off holiday such as a state funeral or a coronation is
// announced months ahead; the package may not have it yet). Nothing is downloaded at run time.

const STATE: Record<Nation, string> = { 'england-and-wales': 'ENG', scotland: 'SCT', 'northern-ireland': 'NIR' };

export interface HolidayDate {
  date: IsoDate;
  title: string;
}

/** The package's public holidays of one nation and year (weekend ones included, with substitute days). */
export function packageHolidays(nation: Nation, year: number): HolidayDate[] {
  const h = new Holidays('GB', STATE[nation]);
  return (h.getHolidays(year, 'en') || [])
    .filter((x) => x.type === 'public')
    .map((x) => ({ date: x.date.slice(0, 10), title: x.name }));
}

/** A loaded holiday file, as stored: one nation's dates and the years they cover. */
export interface HolidayOverride {
  id: number;
  sha256: string;
  dates: HolidayDate[];
}

/**
 * The calendar for a nation over the years [fromYear, toYear]: the package's dates, except that a
 * year the override covers (has at least one date in) takes the override's dates instead.
 */
export function buildCalendar(nation: Nation, years: { from: number; to: number }, packageVersion: string, override?: HolidayOverride): WorkingCalendar {
  const covered = new Set((override?.dates ?? []).map((d) => Number(d.date.slice(0, 4))));
  const holidays = new Map<IsoDate, string>();
  for (let y = years.from; y <= years.to; y++) {
    const list = covered.has(y) ? override!.dates.filter((d) => d.date.startsWith(`${y}-`)) : packageHolidays(nation, y);
    for (const d of list) if (!holidays.has(d.date)) holidays.set(d.date, d.title);
  }
  const fileYears = [...covered].filter((y) => y >= years.from && y <= years.to);
  const source = override && fileYears.length ? `holiday file ${override.id} (sha256 ${override.sha256.slice(0, 12)}) for ${fileYears.sort().join(', ')}; date-holidays ${packageVersion} otherwise` : `date-holidays ${packageVersion}`;
  return { nation, holidays, source };
}

// gov.uk/bank-holidays.json: { "england-and-wales": { division, events: [{ title, date, notes, bunting }] }, … }
const GovUkEvent = z.object({ title: z.string().trim().min(1).max(200), date: z.string().refine(isIsoDate, 'a date as YYYY-MM-DD') });
const GovUkDivision = z.object({ division: z.string().optional(), events: z.array(GovUkEvent).max(2000) });
export const GovUkBankHolidays = z
  .object({ 'england-and-wales': GovUkDivision.optional(), scotland: GovUkDivision.optional(), 'northern-ireland': GovUkDivision.optional() })
  .refine((v) => v['england-and-wales'] || v.scotland || v['northern-ireland'], { message: 'no division: expected "england-and-wales", "scotland" or "northern-ireland"' });

/** The dates per nation in a gov.uk-format file; a field at fault is named in the thrown message. */
export function parseBankHolidayFile(text: string): Partial<Record<Nation, HolidayDate[]>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HolidayFileError(`not JSON: ${(err as Error).message}`);
  }
  const r = GovUkBankHolidays.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HolidayFileError(`${i.path.join('.') || 'file'}: ${i.message}`);
  }
  const out: Partial<Record<Nation, HolidayDate[]>> = {};
  for (const n of ['england-and-wales', 'scotland', 'northern-ireland'] as const) {
    const div = r.data[n];
    if (div) out[n] = [...new Map(div.events.map((e) => [e.date, { date: e.date, title: e.title }])).values()].sort((a, b) => a.date.localeCompare(b.date));
  }
  return out;
}

export class HolidayFileError extends Error {}
