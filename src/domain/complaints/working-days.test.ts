import { describe, expect, it } from 'vitest';
import { buildCalendar, parseBankHolidayFile, HolidayFileError } from './holidays.ts';
import { addWorkingDays, isIsoDate, localDate, workingDaysBetween, type Nation } from './working-days.ts';

const cal = (n: Nation) => buildCalendar(n, { from: 2020, to: 2028 }, 'test');
const ENG = cal('england-and-wales');
const SCT = cal('scotland');
const NIR = cal('northern-ireland');

describe('addWorkingDays: the Nth working day after a date, bank holidays of the nation excluded', () => {
  it.each([
    // [why, calendar, from, days, expected]
    ['an ordinary week: received Monday, 5 working days → next Monday', ENG, '2026-12-07', 5, '2026-12-14'],
    ['received Saturday: counting starts Monday (day 1) → Friday', ENG, '2026-12-05', 5, '2026-12-11'],
    ['received Sunday → Friday', ENG, '2026-12-06', 5, '2026-12-11'],
    ['0 days is the day itself', ENG, '2026-12-07', 0, '2026-12-07'],
    ['Christmas on a Friday, Boxing Day Saturday → substitute Monday 28th; New Year Friday', ENG, '2026-12-23', 5, '2027-01-04'],
    ['Scotland: the same, and 2 January (a Saturday in 2027) gives a substitute Monday 4th', SCT, '2026-12-23', 5, '2027-01-05'],
    ['Christmas and Boxing Day on a weekend (2021): substitute days Mon 27 and Tue 28, New Year substitute Mon 3', ENG, '2021-12-24', 5, '2022-01-05'],
    ['Scotland 2021–22: New Year and 2 January both substituted (Mon 3, Tue 4)', SCT, '2021-12-24', 5, '2022-01-06'],
    ['Northern Ireland 2021–22 follows England at New Year', NIR, '2021-12-24', 5, '2022-01-05'],
    ['stage 1 response: 10 working days over Christmas 2026', ENG, '2026-12-14', 10, '2026-12-30'],
    ['Easter 2026 in England: Good Friday and Easter Monday skipped', ENG, '2026-04-02', 5, '2026-04-13'],
    ['Easter 2026 in Scotland: Good Friday only (Easter Monday is a working day)', SCT, '2026-04-02', 5, '2026-04-10'],
    ['Easter 2026 in Northern Ireland: as England', NIR, '2026-04-02', 5, '2026-04-13'],
    ["St Patrick's Day (Tue 17 March 2026) only in Northern Ireland", NIR, '2026-03-16', 5, '2026-03-24'],
    ["St Patrick's Day is a working day in England", ENG, '2026-03-16', 5, '2026-03-23'],
    ['Battle of the Boyne on a Sunday (2026): substitute Monday 13 July in Northern Ireland', NIR, '2026-07-10', 1, '2026-07-14'],
    ['… and not in England', ENG, '2026-07-10', 1, '2026-07-13'],
    ['Scotland: summer bank holiday is the first Monday of August', SCT, '2026-07-31', 1, '2026-08-04'],
    ['England: the last Monday of August', ENG, '2026-08-28', 1, '2026-09-01'],
    ["St Andrew's Day (Mon 30 Nov 2026) in Scotland", SCT, '2026-11-27', 1, '2026-12-01'],
    ['received on a bank holiday (Summer bank holiday, Mon 31 Aug 2026): the next working day is day 1', ENG, '2026-08-31', 5, '2026-09-07'],
    ['one-off holidays the package knows: the 2022 Platinum Jubilee (Thu 2 & Fri 3 June)', ENG, '2022-06-01', 1, '2022-06-06'],
    ['stage 2 response: 20 working days from Monday 4 January 2027', ENG, '2027-01-04', 20, '2027-02-01'],
  ] as const)('%s', (_why, c, from, days, expected) => {
    expect(addWorkingDays(c, from, days)).toBe(expected);
  });

  it('refuses a negative or fractional number of days', () => {
    expect(() => addWorkingDays(ENG, '2026-12-07', -1)).toThrow(RangeError);
    expect(() => addWorkingDays(ENG, '2026-12-07', 1.5)).toThrow(RangeError);
  });
});

describe('localDate: which day an instant falls on in the organisation zone', () => {
  it.each([
    ['23:59 GMT on a Monday in December is Monday', '2026-12-07T23:59:00Z', '2026-12-07'],
    ['23:59 BST on a Monday in June (22:59 UTC) is Monday', '2026-06-01T22:59:00Z', '2026-06-01'],
    ['23:30 UTC on a Monday in June is 00:30 BST on Tuesday', '2026-06-01T23:30:00Z', '2026-06-02'],
    ['00:30 on the day the clocks go forward', '2026-03-29T00:30:00Z', '2026-03-29'],
  ])('%s', (_why, at, expected) => {
    expect(localDate(new Date(at), 'Europe/London')).toBe(expected);
  });

  it('a complaint received at 23:59 on Monday is due by the next Monday, at 00:01 Tuesday by the next Tuesday', () => {
    expect(addWorkingDays(ENG, localDate(new Date('2026-12-07T23:59:00Z'), 'Europe/London'), 5)).toBe('2026-12-14');
    expect(addWorkingDays(ENG, localDate(new Date('2026-12-08T00:01:00Z'), 'Europe/London'), 5)).toBe('2026-12-15');
  });
});

describe('workingDaysBetween', () => {
  it.each([
    ['none when the end is not after the start', '2026-12-14', '2026-12-14', 0],
    ['a week', '2026-12-07', '2026-12-14', 5],
    ['over Christmas 2026 in England', '2026-12-23', '2027-01-04', 5],
  ] as const)('%s', (_w, a, b, n) => expect(workingDaysBetween(ENG, a, b)).toBe(n));
});

describe('a holiday file (gov.uk bank-holidays.json) overrides the package for the years it covers', () => {
  const file = JSON.stringify({
    'england-and-wales': { division: 'england-and-wales', events: [{ title: 'New Year’s Day', date: '2026-01-01', notes: '', bunting: true }, { title: 'A one-off holiday', date: '2026-12-14', notes: '', bunting: true }] },
  });
  it('adds a one-off holiday in a covered year, and keeps the package for other years', () => {
    const dates = parseBankHolidayFile(file)['england-and-wales']!;
    const c = buildCalendar('england-and-wales', { from: 2025, to: 2027 }, '3.37.0', { id: 7, sha256: 'ab'.repeat(32), dates });
    expect(addWorkingDays(c, '2026-12-11', 1)).toBe('2026-12-15');
    // 2026 comes wholly from the file: Christmas is not in it, so it is a working day here.
    expect(addWorkingDays(c, '2026-12-24', 1)).toBe('2026-12-25');
    // 2027 still from the package.
    expect(addWorkingDays(c, '2026-12-31', 1)).toBe('2027-01-04');
    expect(c.source).toMatch(/^holiday file 7 \(sha256 abababababab\) for 2026; date-holidays 3\.37\.0 otherwise$/);
  });
  it.each([
    ['not JSON', '{', /not JSON/],
    ['no division', '{"wales":{"events":[]}}', /no division/],
    ['a bad date', JSON.stringify({ scotland: { events: [{ title: 'x', date: '2026-02-30' }] } }), /scotland\.events\.0\.date/],
  ])('refuses %s, naming what is wrong', (_w, text, message) => {
    expect(() => parseBankHolidayFile(text)).toThrow(HolidayFileError);
    expect(() => parseBankHolidayFile(text)).toThrow(message);
  });
});

it('isIsoDate accepts real dates only', () => {
  expect(isIsoDate('2026-02-28')).toBe(true);
  expect(isIsoDate('2026-02-29')).toBe(false);
  expect(isIsoDate('2026-2-1')).toBe(false);
});
