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

  describe('the autumn clock change (Europe/London, Sun 31 Oct 2027: 02:00 BST → 01:00 GMT)', () => {
    const night = (startTime: string, endTime: string, slotMinutes: number) => ({ weekdays: [7], startTime, endTime, slotMinutes, units: 1, validFrom: '2027-01-01', validTo: null });
    const times = (slots: ReturnType<typeof generateSlots>) => slots.map((s) => [s.startsAt.toISOString().slice(11, 16), s.endsAt.toISOString().slice(11, 16)]);

    it('makes a slot for both occurrences of the repeated hour', () => {
      const slots = generateSlots([night('00:00', '04:00', 60)], new Set(), 'Europe/London', '2027-10-31', '2027-10-31');
      // 00:00 BST, 01:00 BST, 01:00 GMT, 02:00 GMT, 03:00 GMT: five hours of real time, back to back.
      expect(times(slots)).toEqual([
        ['23:00', '00:00'],
        ['00:00', '01:00'],
        ['01:00', '02:00'],
        ['02:00', '03:00'],
        ['03:00', '04:00'],
      ]);
    });

    it('makes half-hour slots at both 01:00 and both 01:30', () => {
      const slots = generateSlots([night('01:00', '02:00', 30)], new Set(), 'Europe/London', '2027-10-31', '2027-10-31');
      expect(times(slots)).toEqual([
        ['00:00', '00:30'],
        ['00:30', '01:00'],
        ['01:00', '01:30'],
        ['01:30', '02:00'],
      ]);
    });

    it('leaves out a second occurrence that would overlap the slot before it', () => {
      // 90-minute slots: 00:00 BST (to 01:30 BST), 01:30 BST (to 02:00 GMT); the second 01:30 (GMT)
      // would start inside that one; 03:00 GMT follows.
      const slots = generateSlots([night('00:00', '04:30', 90)], new Set(), 'Europe/London', '2027-10-31', '2027-10-31');
      expect(times(slots)).toEqual([
        ['23:00', '00:30'],
        ['00:30', '02:00'],
        ['03:00', '04:30'],
      ]);
    });

    it('has no 01:00–02:00 in the spring (Sun 28 Mar 2027)', () => {
      const slots = generateSlots([night('00:00', '04:00', 60)], new Set(), 'Europe/London', '2027-03-28', '2027-03-28');
      // 00:00 GMT, then 02:00 and 03:00 BST: local 01:00 does not exist.
      expect(times(slots)).toEqual([
        ['00:00', '01:00'],
        ['01:00', '02:00'],
        ['02:00', '03:00'],
      ]);
    });
  });
});
