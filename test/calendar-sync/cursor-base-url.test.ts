// Issue 14 §1 for calendars: the calendarView delta cursor is stored relative to the Graph base URL,
// and one stored absolute under an address that is gone (the demo emulator's port of an earlier
// start) gives one clean full sync — bookings untouched — and then ordinary delta runs again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboundWorld, day, demoMailboxes, type InboundWorld } from './world.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { getBooking } from '../../src/app/appointments/bookings.ts';
import { london } from './world.ts';

let w: InboundWorld;
const sam = demoMailboxes.officers[0];
beforeAll(async () => {
  w = await startInboundWorld();
}, 60_000);
afterAll(async () => w?.stop());

const storedCursor = async () => (await w.t.ctx.db.selectFrom('calendar_sync_state').select('cursor').where('calendar', '=', sam).executeTakeFirstOrThrow()).cursor;

describe('calendar delta cursors and a changed Graph base URL', () => {
  it('stores the cursor relative to the base URL, and resyncs once, with no side effects, from one under a gone address', async () => {
    const { ref } = await bookAppointment(w.t.ctx, { username: 'officer1' }, { diaryCode: 'RENTS', start: london(day(5), '10:00'), who: 'Tenant', location: '1 High St' });
    await w.push();
    const first = await w.poll({ calendar: sam });
    expect(first.results[0]).toMatchObject({ fullSync: true });
    expect(first.results[0].error).toBeUndefined();
    const cursor = await storedCursor();
    expect(cursor).toMatch(/^\/users\/.+\/calendarView\/delta\?/);

    await w.t.ctx.db.updateTable('calendar_sync_state').set({ cursor: `https://localhost:1/v1.0${cursor}` }).where('calendar', '=', sam).execute();
    const before = await getBooking(w.t.ctx, { ref });
    const again = await w.poll({ calendar: sam, force: true });
    expect(again.results[0].error).toBeUndefined();
    expect(again.results[0]).toMatchObject({ fullSync: true, resync: 'the delta token expired' });
    const after = await getBooking(w.t.ctx, { ref });
    expect([after.status, after.startsAt.toISOString(), after.version]).toEqual([before.status, before.startsAt.toISOString(), before.version]);
    expect(await storedCursor()).toMatch(/^\/users\//);

    const third = await w.poll({ calendar: sam, force: true });
    expect(third.results[0].error).toBeUndefined();
    expect(third.results[0].fullSync).toBe(false);
  });
});
