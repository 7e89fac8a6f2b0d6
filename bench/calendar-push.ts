/**
 * Calendar push throughput: 1,000 booking changes (600 bookings, 250 moves, 150 cancellations) on
 * five diaries mapped to five Outlook calendars, pushed through the Graph emulator with 50 ms of
 * latency injected on every Graph request.
 *
 *   npx tsx bench/calendar-push.ts [--latency 50] [--books 600] [--moves 250] [--cancels 150] [--concurrency 16]
 *
 * The set-up is bench/lib/world.ts (PostgreSQL: DATABASE_URL when set, else an embedded server in a
 * temporary directory; the emulator runs in this process). Prints a Markdown table: seconds, Graph requests per change, duplicates
 * (events sharing a booking marker) and leftovers (events of cancelled bookings) — both must be 0.
 */
import { DateTime } from 'luxon';
import { demoMailboxes } from '../src/adapters/graph/demo-tenant.ts';
import { openBenchWorld } from './lib/world.ts';
import { setParameter } from '../src/app/parameters.ts';
import { addProductArea } from '../src/app/appointments/product-areas.ts';
import { addReason } from '../src/app/appointments/reasons.ts';
import { addPattern, createDiary, generateDiarySlots } from '../src/app/appointments/diaries.ts';
import { bookAppointment } from '../src/app/appointments/book-appointment.ts';
import { moveBooking } from '../src/app/appointments/move-booking.ts';
import { cancelBooking } from '../src/app/appointments/cancel-booking.ts';
import { drainCalendarOutbox } from '../src/app/appointments/calendar-push.ts';
import { freeSlots, listBookings } from '../src/app/appointments/bookings.ts';
import { bookingMarker } from '../src/domain/appointments/event.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const latency = arg('latency', 50);
const books = arg('books', 600);
const moves = arg('moves', 250);
const cancels = arg('cancels', 150);
const concurrency = arg('concurrency', 16);

const world = await openBenchWorld('calendar-push', { poolSize: 20, features: ['OUTLOOK365'] });
const { ctx, actor, emu, gateway, emulator } = world;
await emu('POST', '/faults', { kind: 'latency', latencyMs: latency, routePattern: '/v1\\.0/' });

for (const [k, v] of [['INBOX_SERVER', 'housingorganisation.co.uk'], ['OUTLOOK365', 'Y'], ['APPTOUT_OUTLOOK365', 'Y'], ['OUTLOOK365_TIMEZONE', 'GMT Standard Time']]) await setParameter(ctx, actor, k, v);
await addProductArea(ctx, actor, { code: 'HOUSING', name: 'Housing' });
await addReason(ctx, actor, { code: 'MOVE', description: 'Moved', kind: 'move', productAreas: ['HOUSING'] });
await addReason(ctx, actor, { code: 'CANCEL', description: 'Cancelled', kind: 'cancel', productAreas: ['HOUSING'] });
const calendars = [demoMailboxes.officers[0], demoMailboxes.officers[1], demoMailboxes.asb, demoMailboxes.complaints, demoMailboxes.noreply];
const from = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toISODate()!;
for (const [i, cal] of calendars.entries()) {
  const code = `D${i + 1}`;
  await createDiary(ctx, actor, { code, name: `Diary ${i + 1}`, productAreaCode: 'HOUSING', externalCalendar: 'OUTLOOK365', calendarAddress: cal });
  await addPattern(ctx, actor, code, { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '08:00', endTime: '18:00', slotMinutes: 30, units: 4, validFrom: from });
  await generateDiarySlots(ctx, actor, code, { from, days: 14 });
}

const requestsNow = () => gateway.stats.requests;
const rows: Array<{ phase: string; changes: number; seconds: number; requests: number }> = [];
async function phase(name: string, changes: number, make: () => Promise<void>) {
  await make();
  const r0 = requestsNow();
  const t0 = performance.now();
  const r = await drainCalendarOutbox(ctx, { gateway: gateway.calendar, concurrency, batch: 100 });
  if (r.failed || r.dead) console.error(`${name}: ${r.failed} failed, ${r.dead} dead`);
  rows.push({ phase: name, changes, seconds: (performance.now() - t0) / 1000, requests: requestsNow() - r0 });
}

const refs: number[] = [];
await phase(`book ${books}`, books, async () => {
  for (let i = 0; i < books; i++) {
    const diary = `D${(i % calendars.length) + 1}`;
    const slots = await freeSlots(ctx, diary, { limit: 1 });
    refs.push((await bookAppointment(ctx, actor, { diaryCode: diary, slotId: slots[0].id, who: `Tenant ${i}`, location: `${i} High Street` })).ref);
  }
});
await phase(`move ${moves}`, moves, async () => {
  for (let i = 0; i < moves; i++) {
    const ref = refs[i];
    const diary = `D${(i % calendars.length) + 1}`;
    const slots = await freeSlots(ctx, diary, { from: new Date(Date.now() + 7 * 86400_000), limit: 1 });
    await moveBooking(ctx, actor, ref, { slotId: slots[0].id }, 'MOVE', 'housing');
  }
});
await phase(`cancel ${cancels}`, cancels, async () => {
  for (let i = 0; i < cancels; i++) await cancelBooking(ctx, actor, refs[refs.length - 1 - i], 'CANCEL', 'housing');
});

// Duplicates: more than one event for a booking; leftovers: an event for a cancelled booking.
const markerCount = new Map<string, number>();
for (const u of Object.values(emulator.state.users)) {
  const events = Object.values(((u.calendar as { events?: Record<string, any> })?.events ?? {}) as Record<string, any>).filter((e) => !e.deleted);
  for (const e of events) for (const p of e.singleValueExtendedProperties ?? []) markerCount.set(p.value, (markerCount.get(p.value) ?? 0) + 1);
}
const all = await listBookings(ctx, { limit: 100_000 });
const duplicates = [...markerCount.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
const leftovers = all.filter((b) => b.status === 'CAN' && markerCount.has(bookingMarker(b.ref))).length;
const missing = all.filter((b) => b.status !== 'CAN' && !markerCount.has(bookingMarker(b.ref))).length;

const total = rows.reduce((a, r) => ({ changes: a.changes + r.changes, seconds: a.seconds + r.seconds, requests: a.requests + r.requests }), { changes: 0, seconds: 0, requests: 0 });
console.log(`\n${latency} ms Graph latency, ${calendars.length} calendars, push concurrency ${concurrency} (≤ 4 in flight per mailbox), ${process.platform} ${process.arch}, Node ${process.version}\n`);
console.log('| phase | changes | seconds | changes/s | Graph requests | requests/change |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of [...rows, { phase: '**total**', ...total }]) {
  console.log(`| ${r.phase} | ${r.changes} | ${r.seconds.toFixed(1)} | ${(r.changes / r.seconds).toFixed(0)} | ${r.requests} | ${(r.requests / r.changes).toFixed(2)} |`);
}
console.log(`\nduplicate events: ${duplicates} · events left for cancelled bookings: ${leftovers} · live bookings without an event: ${missing}`);

await world.close();
process.exit(duplicates || leftovers || missing ? 1 : 0);
