import { describe, expect, it } from 'vitest';
import { generateSlots } from './slots.ts';

const weekdays9to5 = { weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00', slotMinutes: 60, units: 2, validFrom: '2026-01-01', validTo: null };

describe('generateSlots', () => {
  it('makes 60-minute slots from 09:00 to 17:00 on weekdays only', () => {
    // Fri 27 Mar 2026 and Mon 30 Mar 2026 (the weekend between is skipped).
    const slots = generateSlots([weekdays9to5], new Set(), 'Europe/London', '2026-03-27', '2026-03-30');
    expect(slots).toHaveLength(16);
    expect(slots.every((s) => s.units === 2)).toBe(true);
  });

  it('keeps 09:00 local on both sides of the spring clock change', () => {
    // UK clocks go forward on Sun 29 Mar 2026: 09:00 is 09:00Z on Friday and 08:00Z on Monday.
    const slots = generateSlots([weekdays9to5], new Set(), 'Europe/London', '2026-03-27', '2026-03-30');
    expect(slots[0].startsAt.toISOString()).toBe('2026-03-27T09:00:00.000Z');
    expect(slots[8].startsAt.toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(slots[15].endsAt.toISOString()).toBe('2026-03-30T16:00:00.000Z');
  });

  it('skips closed days and days outside the pattern validity', () => {
    const slots = generateSlots([{ ...weekdays9to5, validTo: '2026-03-30' }], new Set(['2026-03-27']), 'Europe/London', '2026-03-27', '2026-03-31');
    expect(new Set(slots.map((s) => s.startsAt.toISOString().slice(0, 10)))).toEqual(new Set(['2026-03-30']));
  });

  it('skips a local time that does not exist in the spring-forward gap', () => {
    const night = { weekdays: [7], startTime: '00:30', endTime: '03:30', slotMinutes: 30, units: 1, validFrom: '2026-01-01', validTo: null };
    const slots = generateSlots([night], new Set(), 'Europe/London', '2026-03-29', '2026-03-29');
    // Local 01:00 and 01:30 do not exist that night; 00:30 GMT, then 02:00, 02:30 and 03:00 BST remain.
    const local = slots.map((s) => s.startsAt.toISOString());
    expect(local).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z']);
  });
});
