// Many requests queued at once for one mailbox through the shared slots (graph_mailbox_slots): the
// queue can empty while a claim is on its way to the database (a released slot is passed straight to
// the last waiter), which once failed the claim with "s.waiting.shift(...) is not a function"
// (issue 14 §14) and left the claimed slot unused. Real PostgreSQL; the pushes go to the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlotDb, heldSlots } from '../../src/adapters/db/mailbox-slots.ts';
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { demoGraphSettings } from '../../src/adapters/graph/demo-tenant.ts';
import { MailboxSlots } from '../../src/adapters/graph/mailbox-slots.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { drainCalendarOutbox } from '../../src/app/appointments/calendar-push.ts';
import { startInboundWorld, london, day, demoMailboxes, type InboundWorld } from '../calendar-sync/world.ts';
import { until } from '../helpers/until.ts';

let w: InboundWorld;
let slotDb: ReturnType<typeof createSlotDb>;
const sam = demoMailboxes.officers[0];

beforeAll(async () => {
  w = await startInboundWorld();
  slotDb = createSlotDb(w.t.databaseUrl, 2);
});
afterAll(async () => {
  await slotDb?.close();
  await w?.stop();
});

describe('the shared mailbox slots under a burst', () => {
  it('hands a slot released while a claim is on its way to the waiter, and keeps the claimed one idle', async () => {
    const errors: unknown[] = [];
    const slots = new MailboxSlots(slotDb.db, { holder: 'burst-1', lingerMs: 50, onError: (e) => errors.push(e) });
    const first = await slots.acquire('race@test');
    // The second request finds no free slot: it waits and a claim goes to the database …
    const second = slots.acquire('race@test');
    // … and before that claim answers, the first request ends and passes its slot straight on.
    first();
    const release = await second;
    release();
    // The slot the claim brought back was not wanted: it goes back to the table after the linger.
    await until(() => slots.leased('race@test') === 0, 10_000, 20);
    await until(async () => (await heldSlots(slotDb.db, 'race@test')).length === 0, 10_000, 20);
    expect(errors.map((e) => (e as Error).message)).toEqual([]);
    await slots.close();
  });

  it('pushes 50 bookings queued at once for one mailbox: every event made, no slot-table error, every slot given back', async () => {
    const errors: unknown[] = [];
    // A short hold: slots go back and are claimed again many times within the burst, as they do with
    // the default 1 s hold in a busy run of minutes — so claims are on their way while slots are passed on.
    const slots = new MailboxSlots(slotDb.db, { holder: 'burst-50', holdMs: 15, onError: (e) => errors.push(e) });
    const gateway = createGraphGateway(demoGraphSettings(w.emulator, { baseBackoffMs: 20, maxBackoffMs: 200, timeoutMs: 10_000, limiter: slots }));
    const refs: number[] = [];
    // RENTS (sam's calendar): hourly slots 08:00–17:00, 2 units each.
    for (let d = 1; refs.length < 50; d++) {
      for (let h = 8; h <= 17 && refs.length < 50; h++) {
        for (let unit = 0; unit < 2 && refs.length < 50; unit++) {
          refs.push((await bookAppointment(w.t.ctx, { username: 'officer1' }, { diaryCode: 'RENTS', start: london(day(d), `${String(h).padStart(2, '0')}:00`), who: `T${refs.length}` })).ref);
        }
      }
    }
    const r = await drainCalendarOutbox(w.t.ctx, { gateway: gateway.calendar, batch: 50, concurrency: 50 });
    expect(r).toMatchObject({ failed: 0, dead: 0, pushed: { created: 50 } });
    for (const ref of refs) expect(w.eventOf(sam, ref)).toBeDefined();
    expect(errors.map((e) => (e as Error).message)).toEqual([]);
    await slots.close();
    expect(await heldSlots(slotDb.db, sam)).toEqual([]);
    await gateway.close();
  });
});
