// Proof of the outbound calendar flow against the Graph emulator over HTTPS: bookings on diaries
// mapped to Outlook become events in the right calendar, at the right local time, exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { startPushWorld, demoMailboxes, type PushWorld } from './emulator.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { addReason } from '../../src/app/appointments/reasons.ts';
import { addPattern, createDiary, diaryOutlookProgress, generateDiarySlots, updateDiary } from '../../src/app/appointments/diaries.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { moveBooking } from '../../src/app/appointments/move-booking.ts';
import { cancelBooking } from '../../src/app/appointments/cancel-booking.ts';
import { getBooking, getBookingDetail } from '../../src/app/appointments/bookings.ts';
import { drainCalendarOutbox, replayCalendarChanges } from '../../src/app/appointments/calendar-push.ts';
import { pushBookingToOutlook } from '../../src/app/appointments/push-booking-to-outlook.ts';
import { claimBookings } from '../../src/adapters/db/bookings-outbox.ts';
import { bookingMarker, DEFAULT_EVENT_BODY, DEFAULT_EVENT_SUBJECT } from '../../src/domain/appointments/event.ts';
import type { CalendarGateway } from '../../src/app/ports/graph.ts';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { demoApp } from '../../src/adapters/graph/demo-tenant.ts';

let w: PushWorld;
const admin = { username: 'admin' };
const officer = { username: 'officer1' };
const sam = demoMailboxes.officers[0];
const alex = demoMailboxes.officers[1];

const london = (d: string, hhmm: string) => DateTime.fromISO(`${d}T${hhmm}`, { zone: 'Europe/London' }).toJSDate();
const soon = (n: number) => DateTime.now().setZone('Europe/London').plus({ days: n }).toISODate()!;

/** Our events (by marker) in a mailbox's calendar. */
const eventsOf = (mailbox: string, ref: number) => w.events(mailbox).filter((e) => e.singleValueExtendedProperties.some((p) => p.value === bookingMarker(ref)));

/** Runs the worker until nothing is due, moving its clock past any back-off between rounds. */
async function settle(rounds = 6): Promise<void> {
  const realNow = w.t.ctx.now;
  try {
    for (let i = 0; i < rounds; i++) {
      const shift = i * 2 * 3_600_000;
      w.t.ctx.now = () => new Date(Date.now() + shift);
      await drainCalendarOutbox(w.t.ctx, { gateway: w.gateway.calendar });
    }
  } finally {
    w.t.ctx.now = realNow;
  }
}

beforeAll(async () => {
  w = await startPushWorld();
  const ctx = w.t.ctx;
  await addProductArea(ctx, admin, { code: 'RENTS', name: 'Rents' });
  await addProductArea(ctx, admin, { code: 'ESTATES', name: 'Estates' });
  await addReason(ctx, admin, { code: 'TENREQ', description: 'Tenant asked to move', kind: 'move', productAreas: ['RENTS', 'ESTATES'] });
  await addReason(ctx, admin, { code: 'TENCAN', description: 'Tenant cancelled', kind: 'cancel', productAreas: ['RENTS', 'ESTATES'] });
  await createDiary(ctx, admin, { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'OUTLOOK365', calendarAddress: sam });
  await createDiary(ctx, admin, { code: 'ESTATES', name: 'Estate Appointments', productAreaCode: 'ESTATES', externalCalendar: 'OUTLOOK365', calendarAddress: sam });
  for (const diary of ['RENTS', 'ESTATES']) {
    await addPattern(ctx, admin, diary, { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '09:00', endTime: '12:00', slotMinutes: 60, units: 2, validFrom: soon(-1) });
    await generateDiarySlots(ctx, admin, diary, { from: soon(1), days: 14 });
    // Around the UK spring clock change of Sunday 28 March 2027.
    await generateDiarySlots(ctx, admin, diary, { from: '2027-03-24', days: 10 });
  }
});
afterAll(async () => w?.stop());

describe('pushing bookings to Outlook calendars', () => {
  it('creates the event in the mapped calendar at 09:00 local time on both sides of the clock change', async () => {
    const before = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london('2027-03-26', '09:00'), who: 'Tenant A', location: '1 High St' });
    const after = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london('2027-03-29', '09:00'), who: 'Tenant B', location: '2 High St' });
    expect(before.outlook.state).toBe('pending');
    await settle(1);
    const [e1] = eventsOf(sam, before.ref);
    const [e2] = eventsOf(sam, after.ref);
    // GMT before, BST after: 09:00 local is 09:00Z then 08:00Z.
    expect(new Date(e1.startMs).toISOString()).toBe('2027-03-26T09:00:00.000Z');
    expect(new Date(e2.startMs).toISOString()).toBe('2027-03-29T08:00:00.000Z');
    expect(new Date(e2.endMs).toISOString()).toBe('2027-03-29T09:00:00.000Z');
    expect(e2.originalStartTimeZone).toBe('GMT Standard Time');
    expect(e1.subject).toBe(`Appointment ${before.ref}: Rents Appointments`);
    expect(e1.location.displayName).toBe('1 High St');
    expect(e1.body.content).not.toContain('Tenant A'); // personal data stays in housing
    const stored = await getBooking(w.t.ctx, { ref: after.ref });
    expect(stored.outlook).toMatchObject({ state: 'synced', calendar: sam, eventId: e2.id });
    expect(stored.outlook.changeKey).toBeTruthy();
    expect(stored.outlook.start?.toISOString()).toBe('2027-03-29T08:00:00.000Z');
    expect(stored.outlook.end?.toISOString()).toBe('2027-03-29T09:00:00.000Z');
    expect(e2.transactionId).toBe(stored.outlook.transactionId);
  });

  it('moves the same event when the booking moves, and removes it when the booking is cancelled', async () => {
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(2), '09:00'), who: 'Tenant C' });
    await settle(1);
    const [created] = eventsOf(sam, b.ref);
    await moveBooking(w.t.ctx, officer, b.ref, { start: london(soon(2), '11:00') }, 'TENREQ', 'housing');
    await settle(1);
    const moved = eventsOf(sam, b.ref);
    expect(moved).toHaveLength(1);
    expect(moved[0].id).toBe(created.id);
    expect(moved[0].startMs).toBe(london(soon(2), '11:00').getTime());
    const after = await getBooking(w.t.ctx, { ref: b.ref });
    expect(after.outlook.start?.getTime()).toBe(london(soon(2), '11:00').getTime());
    expect(after.outlook.changeKey).not.toBeNull();

    await cancelBooking(w.t.ctx, officer, b.ref, 'TENCAN', 'housing');
    await settle(1);
    expect(eventsOf(sam, b.ref)).toHaveLength(0);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook).toMatchObject({ state: 'synced', eventId: null });
  });

  it('puts the bookings of two diaries into the one calendar they share', async () => {
    const r = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(3), '10:00'), who: 'Tenant D' });
    const e = await bookAppointment(w.t.ctx, officer, { diaryCode: 'ESTATES', start: london(soon(3), '10:00'), who: 'Tenant E' });
    await settle(1);
    expect(eventsOf(sam, r.ref)).toHaveLength(1);
    expect(eventsOf(sam, e.ref)).toHaveLength(1);
    expect(eventsOf(sam, e.ref)[0].subject).toBe(`Appointment ${e.ref}: Estate Appointments`);
  });

  it('makes one event when a create is accepted and its answer is lost', async () => {
    const fault = await w.admin('POST', '/faults', { kind: 'accept-then-drop', routePattern: '^POST /v1\\.0/users/[^/]+/events$', count: 1 });
    expect(fault.status).toBeLessThan(300);
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(4), '09:00'), who: 'Tenant F' });
    await settle();
    expect(eventsOf(sam, b.ref)).toHaveLength(1);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook.eventId).toBe(eventsOf(sam, b.ref)[0].id);
  });

  it('leaves no event when a cancel overtakes a create whose answer never came', async () => {
    const fault = await w.admin('POST', '/faults', { kind: 'accept-then-drop', routePattern: '^POST /v1\\.0/users/[^/]+/events$' });
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(4), '10:00'), who: 'Tenant G' });
    await drainCalendarOutbox(w.t.ctx, { gateway: w.gateway.calendar });
    // Graph has the event; we never heard back.
    expect(eventsOf(sam, b.ref).length).toBeGreaterThanOrEqual(1);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook).toMatchObject({ state: 'failed', eventId: null });
    await w.admin('DELETE', `/faults/${fault.body.id}`);
    await cancelBooking(w.t.ctx, officer, b.ref, 'TENCAN', 'housing');
    await settle();
    expect(eventsOf(sam, b.ref)).toHaveLength(0);
  });

  it('converges with no duplicate when a worker dies after Graph made the event', async () => {
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(5), '09:00'), who: 'Tenant H' });
    // A worker claims the booking, sends the create, and dies before writing anything back.
    const dying: CalendarGateway = {
      ...w.gateway.calendar,
      async createEvent(mailbox, input) {
        await w.gateway.calendar.createEvent(mailbox, input);
        throw new Error('SIGKILL');
      },
    };
    const [claim] = await claimBookings(w.t.ctx.db, 'dead-worker', new Date(), 60_000, 1000).then((all) => all.filter((c) => c.bookingId === b.id));
    expect(claim).toBeDefined();
    await expect(
      pushBookingToOutlook(w.t.ctx, dying, b.id, 'dead-worker', { windowsZone: 'GMT Standard Time', subjectTemplate: DEFAULT_EVENT_SUBJECT, bodyTemplate: DEFAULT_EVENT_BODY }),
    ).rejects.toThrow('SIGKILL');
    expect(eventsOf(sam, b.ref)).toHaveLength(1);
    // Its lease runs out; another worker takes over.
    await settle();
    expect(eventsOf(sam, b.ref)).toHaveLength(1);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook).toMatchObject({ state: 'synced', eventId: eventsOf(sam, b.ref)[0].id });
  });

  it('converges with no duplicate when a worker process is killed while Graph makes the event', async () => {
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(5), '10:00'), who: 'Tenant H2' });
    // The create reaches the emulator, which holds it for 3 s and then makes the event; the worker
    // process is killed (SIGKILL) in between, so it never hears the answer nor writes anything.
    const slow = await w.admin('POST', '/faults', { kind: 'latency', latencyMs: 3000, routePattern: '^POST /v1\\.0/users/[^/]+/events$', count: 1 });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'push-worker-child.ts')], {
      env: {
        ...process.env,
        PUSH_CHILD: JSON.stringify({
          databaseUrl: w.t.databaseUrl,
          licencePublicKeys: w.t.ctx.licencePublicKeys,
          graph: { tenantId: w.emulator.tenantId, clientId: demoApp.clientId, clientSecret: demoApp.clientSecret, authorityHost: w.emulator.origin, graphBaseUrl: w.emulator.graphBaseUrl, caPem: w.emulator.caCertPem },
        }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    for (let i = 0; i < 300; i++) {
      const faults = await w.admin('GET', '/faults');
      if (faults.body.value.find((f: { id: string; fired: number }) => f.id === slow.body.id)?.fired >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook).toMatchObject({ eventId: null, state: 'pending' });
    for (let i = 0; i < 100 && eventsOf(sam, b.ref).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(eventsOf(sam, b.ref)).toHaveLength(1); // Graph made it; nobody recorded it
    await settle(); // the lease runs out; another worker takes the booking over
    expect(eventsOf(sam, b.ref)).toHaveLength(1);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook).toMatchObject({ state: 'synced', eventId: eventsOf(sam, b.ref)[0].id });
  });

  it('gives the last unit of a slot to one of two concurrent requests, and makes one event', async () => {
    await bookAppointment(w.t.ctx, officer, { diaryCode: 'ESTATES', start: london(soon(6), '09:00'), who: 'Tenant I' });
    const results = await Promise.allSettled(
      ['Tenant J', 'Tenant K'].map((who) => bookAppointment(w.t.ctx, officer, { diaryCode: 'ESTATES', start: london(soon(6), '09:00'), who })),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof bookAppointment>>> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await settle(1);
    expect(eventsOf(sam, won[0].value.ref)).toHaveLength(1);
  });

  it('dead-letters a change that keeps failing, shows it on the booking, and replays it', async () => {
    const fault = await w.admin('POST', '/faults', { kind: '500', routePattern: '^POST /v1\\.0/users/[^/]+/events$' });
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(7), '09:00'), who: 'Tenant L' });
    for (let i = 0; i < 3; i++) {
      const shift = i * 2 * 3_600_000;
      const realNow = w.t.ctx.now;
      w.t.ctx.now = () => new Date(Date.now() + shift);
      await drainCalendarOutbox(w.t.ctx, { gateway: w.gateway.calendar, maxAttempts: 2 });
      w.t.ctx.now = realNow;
    }
    const dead = await getBookingDetail(w.t.ctx, b.ref);
    expect(dead.booking.outlook.state).toBe('dead');
    expect(dead.booking.outlook.error).toMatch(/500|transient/);
    expect(dead.outbox.every((o) => o.status === 'dead')).toBe(true);
    await w.admin('DELETE', `/faults/${fault.body.id}`);
    expect(await replayCalendarChanges(w.t.ctx, admin, b.ref)).toBe(1);
    await settle(1);
    expect(eventsOf(sam, b.ref)).toHaveLength(1);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook.state).toBe('synced');
  });

  it('holds changes while APPTOUT_OUTLOOK365 is N, saying why, and pushes them when it is Y again', async () => {
    await setParameter(w.t.ctx, admin, 'APPTOUT_OUTLOOK365', 'N');
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(soon(8), '09:00'), who: 'Tenant M' });
    const r = await drainCalendarOutbox(w.t.ctx, { gateway: w.gateway.calendar });
    expect(r.held).toMatch(/APPTOUT_OUTLOOK365/);
    const held = await getBooking(w.t.ctx, { ref: b.ref });
    expect(held.outlook.state).toBe('held');
    expect(held.outlook.error).toMatch(/APPTOUT_OUTLOOK365/);
    expect(eventsOf(sam, b.ref)).toHaveLength(0);
    await setParameter(w.t.ctx, admin, 'APPTOUT_OUTLOOK365', 'Y');
    await settle(1);
    expect(eventsOf(sam, b.ref)).toHaveLength(1);
  });

  it('moves events to a new calendar address, removing the old ones, and pushes a newly mapped diary’s future bookings', async () => {
    const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'ESTATES', start: london(soon(9), '09:00'), who: 'Tenant N' });
    await settle(1);
    expect(eventsOf(sam, b.ref)).toHaveLength(1);
    const { queued } = await updateDiary(w.t.ctx, admin, 'ESTATES', { calendarAddress: alex });
    expect(queued).toBeGreaterThan(0);
    expect((await diaryOutlookProgress(w.t.ctx, 'ESTATES')).pending).toBe(queued);
    await settle(1);
    expect((await diaryOutlookProgress(w.t.ctx, 'ESTATES')).pending).toBe(0);
    expect(eventsOf(sam, b.ref)).toHaveLength(0);
    expect(eventsOf(alex, b.ref)).toHaveLength(1);
    const { history } = await getBookingDetail(w.t.ctx, b.ref);
    expect(history.map((h) => h.action)).toContain('OUTLOOK_EVENT_REMOVED');

    // Turned off with "leave": the event stays in Outlook and is no longer followed.
    await updateDiary(w.t.ctx, admin, 'ESTATES', { externalCalendar: 'NONE', outlookOldEvents: 'leave' });
    await settle(1);
    expect(eventsOf(alex, b.ref)).toHaveLength(1);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook).toMatchObject({ eventId: null, calendar: null });

    // A diary that was not mapped: its future bookings are pushed when it is turned on.
    await createDiary(w.t.ctx, admin, { code: 'LOCAL', name: 'Local Office', productAreaCode: 'RENTS' });
    await addPattern(w.t.ctx, admin, 'LOCAL', { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '09:00', endTime: '10:00', slotMinutes: 60, units: 1, validFrom: soon(-1) });
    await generateDiarySlots(w.t.ctx, admin, 'LOCAL', { from: soon(1), days: 3 });
    const local = await Promise.all([1, 2, 3].map((n) => bookAppointment(w.t.ctx, officer, { diaryCode: 'LOCAL', start: london(soon(n), '09:00'), who: `Tenant ${n}` })));
    expect(local.every((l) => l.outlook.state === 'none')).toBe(true);
    const on = await updateDiary(w.t.ctx, admin, 'LOCAL', { externalCalendar: 'OUTLOOK365', calendarAddress: alex });
    expect(on.queued).toBe(3);
    await settle(1);
    for (const l of local) expect(eventsOf(alex, l.ref)).toHaveLength(1);
  });
});
