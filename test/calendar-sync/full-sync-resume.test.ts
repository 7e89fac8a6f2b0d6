// A first (full) calendar sync interrupted between pages resumes with what it had listed (issue 14 §11).
// A full sync ends by checking every live booking whose event it did not list: deleted (→ cancelled) or
// moved far away (→ moved) while no cursor was held. That check used to need the whole run in one go:
// an interrupted full sync resumed from its page cursor as a plain delta, the check never ran, and a
// booking whose event had been deleted stayed live. The listed ids are now kept with the page cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startInboundWorld, london, day, demoMailboxes, type InboundWorld } from './world.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { getBooking } from '../../src/app/appointments/bookings.ts';
import { syncCalendar } from '../../src/app/calendar-sync/sync-calendar.ts';
import { inboundCalendarSettings } from '../../src/app/calendar-sync/settings.ts';
import { GraphTransient } from '../../src/app/ports/graph-errors.ts';
import type { CalendarGateway } from '../../src/app/ports/graph.ts';

let w: InboundWorld;
const alex = demoMailboxes.officers[1];

beforeAll(async () => {
  w = await startInboundWorld();
});
afterAll(async () => w?.stop());

/** The real gateway, except that delta dies after `pages` pages (Graph gone, or the process killed). */
function dyingAfter(pages: number): CalendarGateway {
  const real = w.gateway.calendar;
  return {
    ...real,
    async *calendarViewDelta(mailbox, window, cursor, opts) {
      let n = 0;
      for await (const page of real.calendarViewDelta(mailbox, window, cursor, opts)) {
        yield page;
        if (++n === pages) throw new GraphTransient('connection reset between pages (simulated crash)', undefined, 0);
      }
    },
  };
}

const seenRows = async () => (await sql<{ n: number }>`select count(*)::int as n from calendar_full_sync_seen where calendar = ${alex}`.execute(w.t.ctx.db)).rows[0].n;

describe('an interrupted full calendar sync', () => {
  it('resumes with the events it had listed, and cancels the booking whose event was deleted meanwhile', async () => {
    const ctx = w.t.ctx;
    const refs: number[] = [];
    for (const h of ['08:00', '09:00', '10:00', '11:00', '12:00', '13:00', '14:00']) {
      refs.push((await bookAppointment(ctx, { username: 'officer1' }, { diaryCode: 'ESTATES', start: london(day(5), h), who: `Tenant ${h}` })).ref);
    }
    await w.push();
    // Deleted in Outlook before housing365 ever read this calendar: only the full sync's end-check can see it.
    const deleted = refs[3];
    await w.owner('DELETE', `/users/${alex}/events/${w.eventOf(alex, deleted)!.id}`);
    const settings = await inboundCalendarSettings(ctx);

    const first = await syncCalendar(ctx, alex, { gateway: dyingAfter(1), settings, pageSize: 2 });
    expect(first.fullSync).toBe(true);
    expect(first.pages).toBe(1);
    expect(first.error).toMatch(/simulated crash/);
    expect(await seenRows()).toBe(2);
    expect((await getBooking(ctx, { ref: deleted })).status).toBe('BOOKED');

    // A later run resumes the same full sync from its page cursor, with the two events it had listed.
    const second = await syncCalendar(ctx, alex, { gateway: w.gateway.calendar, settings, pageSize: 2 });
    expect(second.error).toBeUndefined();
    expect(second.fullSync).toBe(true);
    expect(second.resync).toBe('resuming the full sync that did not finish');
    expect(second.outcomes).toMatchObject({ cancelled: 1 });
    expect(second.outcomes.moved ?? 0).toBe(0);
    for (const ref of refs) expect((await getBooking(ctx, { ref })).status).toBe(ref === deleted ? 'CAN' : 'BOOKED');
    expect(await seenRows()).toBe(0);

    // Done: the next run is a plain delta that changes nothing.
    const third = await syncCalendar(ctx, alex, { gateway: w.gateway.calendar, settings, pageSize: 2 });
    expect(third).toMatchObject({ fullSync: false, changes: 0 });
    expect(third.error).toBeUndefined();
  });
});
