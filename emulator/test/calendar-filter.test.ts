import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, evaluateFilter, parseFilter } from '../src/calendar/odata-filter.ts';

const propId = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name BookingRef';
const event = {
  subject: 'Gas safety check',
  isAllDay: false,
  categories: ['Repairs', 'Gas'],
  start: { dateTime: '2026-03-29T09:00:00.0000000', timeZone: 'UTC' },
  singleValueExtendedProperties: [{ id: propId, value: 'BK-42' }],
};

const matches = (f: string) => evaluateFilter(parseFilter(f), event);

describe('$filter', () => {
  it('finds an event by its extended property, in the form Graph documents', () => {
    expect(matches(`singleValueExtendedProperties/Any(ep: ep/id eq '${propId}' and ep/value eq 'BK-42')`)).toBe(true);
    expect(matches(`singleValueExtendedProperties/any(ep: ep/id eq '${propId}' and ep/value eq 'BK-43')`)).toBe(false);
  });

  it('compares dateTime strings as instants, and strings case-insensitively', () => {
    expect(matches("start/dateTime ge '2026-03-29T00:00:00' and start/dateTime lt '2026-03-30T00:00:00'")).toBe(true);
    expect(matches("start/dateTime gt '2026-03-29T09:00:00Z'")).toBe(false);
    expect(matches("subject eq 'GAS SAFETY CHECK'")).toBe(true);
    expect(matches("startswith(subject, 'gas') and not isAllDay")).toBe(true);
  });

  it('handles lambdas over string collections, or, and parentheses', () => {
    expect(matches("categories/any(c: c eq 'gas')")).toBe(true);
    expect(matches("(subject eq 'x' or categories/any(c: c eq 'Plumbing')) and isAllDay eq false")).toBe(false);
    expect(matches("subject eq 'it''s'")).toBe(false);
  });

  it('rejects malformed clauses', () => {
    expect(() => parseFilter("subject eq 'unterminated")).toThrow(FilterSyntaxError);
    expect(() => parseFilter('subject eq')).toThrow(FilterSyntaxError);
    expect(() => parseFilter("subject eq 'a' extra")).toThrow(FilterSyntaxError);
  });
});
