// Working-day arithmetic for the complaint clock (Housing Ombudsman Complaint Handling Code 2024,
// section 6: every timescale is in working days). Pure: a calendar is a set of bank-holiday dates
// plus where they came from, so a deadline can be stored with the calendar that produced it.
//
// Conventions (docs/complaints.md):
// - Days are calendar dates in the organisation's zone (OUTLOOK365_TIMEZONE, e.g. Europe/London): an
//   email received at 23:59 on a Monday was received on Monday, whatever the UTC date.
// - "within N working days of X" is the Nth working day after X's date: received Monday → 5 working
//   days → the next Monday. Received on a Saturday or a bank holiday → counting starts with the next
//   working day, which is day 1 (Saturday → Friday).
// - A deadline is met when the step is recorded on or before its date (the whole day counts).

/** A calendar date, YYYY-MM-DD. */
export type IsoDate = string;

export interface WorkingCalendar {
  /** The nation whose bank holidays are excluded (the gov.uk division name). */
  nation: Nation;
  /** Bank-holiday dates (weekends are excluded anyway). */
  holidays: ReadonlyMap<IsoDate, string>;
  /** Where the holidays came from, e.g. "date-holidays 3.37.0" or "file 3 (sha256 1a2b…)". */
  source: string;
}

export const NATIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type Nation = (typeof NATIONS)[number];
export const NATION_LABELS: Record<Nation, string> = { 'england-and-wales': 'England and Wales', scotland: 'Scotland', 'northern-ireland': 'Northern Ireland' };

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string') return false;
  const m = ISO.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const toUtc = (d: IsoDate) => new Date(`${d}T00:00:00Z`);
const fromUtc = (d: Date): IsoDate => d.toISOString().slice(0, 10);

export function addDays(d: IsoDate, n: number): IsoDate {
  const x = toUtc(d);
  x.setUTCDate(x.getUTCDate() + n);
  return fromUtc(x);
}

/** The calendar date of an instant in an IANA zone. */
export function localDate(at: Date, zone: string): IsoDate {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: IsoDate): number {
  return ((toUtc(d).getUTCDay() + 6) % 7) + 1;
}

export function isWorkingDay(cal: WorkingCalendar, d: IsoDate): boolean {
  return isoWeekday(d) <= 5 && !cal.holidays.has(d);
}

/** The Nth working day after `from` (n = 0: `from` itself). */
export function addWorkingDays(cal: WorkingCalendar, from: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, not ${n}`);
  let d = from;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(cal, d)) left--;
  }
  return d;
}

/** Working days after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workingDaysBetween(cal: WorkingCalendar, from: IsoDate, to: IsoDate): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(cal, d)) n++;
  return n;
}

/** The bank holidays on weekdays after `from` up to and including `to`: what a deadline skipped. */
export function holidaysSkipped(cal: WorkingCalendar, from: IsoDate, to: IsoDate): Array<{ date: IsoDate; title: string }> {
  const out: Array<{ date: IsoDate; title: string }> = [];
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
    const title = cal.holidays.get(d);
    if (title !== undefined && isoWeekday(d) <= 5) out.push({ date: d, title });
  }
  return out;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 14 Dec 2026" — how deadlines are shown (the date alone: a deadline is a whole day). */
export function formatDay(d: IsoDate): string {
  const x = toUtc(d);
  return `${DAY_NAMES[x.getUTCDay()]} ${x.getUTCDate()} ${MONTH_NAMES[x.getUTCMonth()]} ${x.getUTCFullYear()}`;
}
