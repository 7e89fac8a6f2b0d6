// The repeated autumn hour through Outlook (issue 14 §15): bookings at 01:00 BST and 01:00 GMT on Sun
// 31 Oct 2027 are pushed to the emulator at their own instants (sent in UTC: "01:00 GMT Standard Time"
// names both), and reading them back moves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboundWorld, demoMailboxes, ADMIN, type InboundWorld } from './world.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { addPattern, createDiary, generateDiarySlots } from '../../src/app/appointments/diaries.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { getBooking } from '../../src/app/appointments/bookings.ts';

let w: InboundWorld;
const sam = demoMailboxes.officers[0];

beforeAll(async () => {
  w = await startInboundWorld();
  const ctx = w.t.ctx;
  await addProductArea(ctx, ADMIN, { code: 'NIGHT', name: 'Night repairs' });
  await createDiary(ctx, ADMIN, { code: 'NIGHT', name: 'Night Repairs', productAreaCode: 'NIGHT', externalCalendar: 'OUTLOOK365', calendarAddress: sam });
  await addPattern(ctx, ADMIN, 'NIGHT', { weekdays: [7], startTime: '00:00', endTime: '04:00', slotMinutes: 60, units: 1, validFrom: '2027-01-01' });
  await generateDiarySlots(ctx, ADMIN, 'NIGHT', { from: '2027-10-31', days: 1 });
});
afterAll(async () => w?.stop());

describe('the repeated autumn hour in Outlook', () => {
  it('puts the 01:00 BST and 01:00 GMT bookings at their own instants, and reads them back as ours', async () => {
    const ctx = w.t.ctx;
    const bst = await bookAppointment(ctx, { username: 'officer1' }, { diaryCode: 'NIGHT', start: new Date('2027-10-31T00:00:00Z'), who: 'Tenant BST' });
    const gmt = await bookAppointment(ctx, { username: 'officer1' }, { diaryCode: 'NIGHT', start: new Date('2027-10-31T01:00:00Z'), who: 'Tenant GMT' });
    await w.push();
    expect(w.eventOf(sam, bst.ref)).toMatchObject({ startMs: Date.parse('2027-10-31T00:00:00Z'), endMs: Date.parse('2027-10-31T01:00:00Z') });
    expect(w.eventOf(sam, gmt.ref)).toMatchObject({ startMs: Date.parse('2027-10-31T01:00:00Z'), endMs: Date.parse('2027-10-31T02:00:00Z') });
    const round = await w.poll({ calendar: sam });
    const changed = round.results.flatMap((r) => Object.entries(r.outcomes).filter(([k, n]) => k !== 'none' && n));
    expect(changed).toEqual([]);
    for (const [b, at] of [[bst, '2027-10-31T00:00:00.000Z'], [gmt, '2027-10-31T01:00:00.000Z']] as const) {
      const now = await getBooking(ctx, { ref: b.ref });
      expect({ status: now.status, start: now.startsAt.toISOString(), outlook: now.outlook.state }).toEqual({ status: 'BOOKED', start: at, outlook: 'synced' });
    }
  });
});
