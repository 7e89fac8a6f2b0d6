// The calendarView delta window. Graph fixes the window in the delta token, so a window cannot slide
// a little every poll: we take a generous one, keep using its token, and start a fresh one (a full
// resync of that calendar, with no side effects) when it no longer covers what it must.
//
// - start: midnight UTC, one day before now. Past appointments cannot be moved (the rules refuse a
//   slot in the past) but a booking of this morning can still be deleted or moved to later today.
// - end: the later of (now + MIN_AHEAD_DAYS) and the last bookable slot of the calendar's diaries,
//   plus SPARE_DAYS, rounded up to midnight UTC. Every booking that can still change is inside.
// - roll-over: when the window's start is more than ROLL_AFTER_DAYS behind the ideal start, or the
//   diaries gained slots beyond its end, the next run starts a new window (full resync).
// An event moved out of the window still comes back (as @removed, then a GET that finds it), so an
// owner dragging an appointment to next year is a move, not a cancellation.

export const MIN_AHEAD_DAYS = 60;
export const SPARE_DAYS = 14;
export const ROLL_AFTER_DAYS = 7;
const DAY = 86_400_000;

export interface SyncWindow {
  start: Date;
  end: Date;
}

const floorDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const ceilDay = (ms: number) => Math.ceil(ms / DAY) * DAY;

/** The window a new full sync should use. `lastSlotEnd`: end of the latest slot of the calendar's diaries. */
export function idealWindow(now: Date, lastSlotEnd: Date | null): SyncWindow {
  const start = floorDay(now.getTime()) - DAY;
  const ahead = Math.max(now.getTime() + MIN_AHEAD_DAYS * DAY, lastSlotEnd?.getTime() ?? 0);
  return { start: new Date(start), end: new Date(ceilDay(ahead + SPARE_DAYS * DAY)) };
}

/** Why the stored window must be replaced now, or undefined when its token can keep being used. */
export function windowRollReason(current: SyncWindow, now: Date, lastSlotEnd: Date | null): string | undefined {
  const ideal = idealWindow(now, lastSlotEnd);
  if (ideal.start.getTime() - current.start.getTime() > ROLL_AFTER_DAYS * DAY) return 'the window start is more than a week old';
  if (lastSlotEnd && lastSlotEnd.getTime() > current.end.getTime()) return 'the diaries have slots beyond the window';
  if (now.getTime() + MIN_AHEAD_DAYS * DAY > current.end.getTime()) return 'the window no longer reaches far enough ahead';
  return undefined;
}
