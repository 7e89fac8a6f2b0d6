import type { TaskStatus } from '../../../domain/tasks/status.ts';

// What the Task Manager pages share: the status colours and how a time reads.

export const STATUS_COLOUR: Record<TaskStatus, 'blue' | 'yellow' | 'green'> = { open: 'blue', pending: 'yellow', complete: 'green' };
export const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** A time in the organisation's zone (OUTLOOK365_TIMEZONE's IANA name), with the zone shown: "Fri 4 Dec 2026, 19:47 GMT". */
export function whenIn(d: Date, zone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName}`;
}
