// Slots from weekly patterns. A pattern says "on these weekdays, from 09:00 to 17:00, 60-minute slots,
// N units each"; slots are generated day by day in the diary's own time zone, so 09:00 stays 09:00
// local on both sides of a clock change. A local time that does not exist (inside the spring-forward
// gap) is skipped rather than shifted, so no slot ever starts at a time nobody asked for. A local time
// that happens twice (the repeated hour when the clocks go back) gets a slot at each occurrence —
// "01:00 BST" and "01:00 GMT" — as long as the second does not overlap the slot before it; a slot
// lasts `slotMinutes` of real time.
import { DateTime } from 'luxon';

export interface SlotPattern {
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** 'HH:MM' local. */
  startTime: string;
  endTime: string;
  slotMinutes: number;
  units: number;
  /** 'YYYY-MM-DD', inclusive. */
  validFrom: string;
  validTo: string | null;
}

export interface GeneratedSlot {
  startsAt: Date;
  endsAt: Date;
  units: number;
}

const hm = (t: string): [number, number] => {
  const [h, m] = t.split(':').map(Number);
  return [h, m];
};

/** Slots of every pattern on every day from `from` to `to` (inclusive, 'YYYY-MM-DD'), except closed days. */
export function generateSlots(patterns: readonly SlotPattern[], closedDays: ReadonlySet<string>, timeZone: string, from: string, to: string): GeneratedSlot[] {
  const out = new Map<number, GeneratedSlot>();
  let day = DateTime.fromISO(from, { zone: timeZone }).startOf('day');
  const last = DateTime.fromISO(to, { zone: timeZone }).startOf('day');
  if (!day.isValid || !last.isValid) return [];
  for (; day <= last; day = day.plus({ days: 1 })) {
    const iso = day.toISODate()!;
    if (closedDays.has(iso)) continue;
    for (const p of patterns) {
      if (!p.weekdays.includes(day.weekday)) continue;
      if (iso < p.validFrom || (p.validTo && iso > p.validTo)) continue;
      const [sh, sm] = hm(p.startTime);
      const [eh, em] = hm(p.endTime);
      const endMinute = eh * 60 + em;
      const starts: DateTime[] = [];
      for (let minute = sh * 60 + sm; minute + p.slotMinutes <= endMinute; minute += p.slotMinutes) {
        const wall = DateTime.fromObject(
          { year: day.year, month: day.month, day: day.day, hour: Math.floor(minute / 60), minute: minute % 60 },
          { zone: timeZone },
        );
        // Luxon moves a non-existent local time forward; detect it by reading the wall clock back.
        if (wall.hour * 60 + wall.minute !== minute) continue;
        // Luxon picks one offset for a repeated local time (the later): both occurrences are starts.
        starts.push(...wall.getPossibleOffsets());
      }
      // In real-time order, a start inside the slot before it is left out (the second 01:30 of a
      // 90-minute pattern); with slots of an hour or less that never happens.
      let lastEnd = -Infinity;
      for (const start of starts.sort((a, b) => a.toMillis() - b.toMillis())) {
        if (start.toMillis() < lastEnd) continue;
        const end = start.plus({ minutes: p.slotMinutes });
        lastEnd = end.toMillis();
        const key = start.toMillis();
        if (!out.has(key)) out.set(key, { startsAt: start.toJSDate(), endsAt: end.toJSDate(), units: p.units });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** The local date ('YYYY-MM-DD') of an instant in a zone. */
export function localDate(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
}

/** The Monday (local) of the week containing `day`. */
export function weekStart(day: string, timeZone: string): string {
  return DateTime.fromISO(day, { zone: timeZone }).startOf('week').toISODate()!;
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
