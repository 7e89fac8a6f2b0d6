// The calendar gateway against the emulator: create with transactionId + marker, get, find by
// marker, calendarView delta with cursor, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphNotFound } from '../../src/app/ports/graph-errors.ts';
import { demoMailboxes, startHarness, type Harness } from './harness.ts';

let h: Harness;
const officer = demoMailboxes.officers[0];
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('calendar gateway', () => {
  it('creates an event once per transactionId, finds it by marker, follows it through delta and deletes it', async () => {
    const g = h.gateway();
    const input = {
      subject: 'Gas safety visit',
      text: '12 High Street',
      start: { dateTime: '2026-12-02T09:30:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2026-12-02T10:30:00', timeZone: 'GMT Standard Time' },
      location: '12 High Street',
      transactionId: '7d3c1a52-4a8e-4b7e-9d1a-000000000001',
      marker: 'BK-1001',
    };
    const e1 = await g.calendar.createEvent(officer, input);
    const e2 = await g.calendar.createEvent(officer, input);
    expect(e2.id).toBe(e1.id);
    expect(e1.startsAt.toISOString()).toBe('2026-12-02T09:30:00.000Z'); // GMT in December
    expect((await g.calendar.getEvent(officer, e1.id))?.marker).toBe('BK-1001');
    expect((await g.calendar.findEventsByMarker(officer, 'BK-1001')).map((e) => e.id)).toEqual([e1.id]);

    const window = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };
    const pages = [];
    for await (const p of g.calendar.calendarViewDelta(officer, window)) pages.push(p);
    expect(pages.at(-1)!.complete).toBe(true);
    expect(pages.flatMap((p) => p.changes).filter((c) => c.kind === 'upsert' && c.event.id === e1.id)).toHaveLength(1);

    const moved = await g.calendar.updateEvent(officer, e1.id, { start: { dateTime: '2026-12-03T09:30:00', timeZone: 'GMT Standard Time' }, end: { dateTime: '2026-12-03T10:30:00', timeZone: 'GMT Standard Time' } });
    expect(moved.startsAt.toISOString()).toBe('2026-12-03T09:30:00.000Z');
    const next = [];
    for await (const p of g.calendar.calendarViewDelta(officer, window, pages.at(-1)!.cursor)) next.push(p);
    expect(next.flatMap((p) => p.changes).map((c) => (c.kind === 'upsert' ? c.event.id : c.id))).toContain(e1.id);

    await g.calendar.deleteEvent(officer, e1.id);
    expect(await g.calendar.getEvent(officer, e1.id)).toBeUndefined();
    await expect(g.calendar.deleteEvent(officer, e1.id)).rejects.toBeInstanceOf(GraphNotFound);
  });
});
