// Crash safety of a refused Outlook move (issue 14 §10). The refusal — history line, the owner's email,
// the change answered and the put-back — is committed in one transaction before anything is written to
// Outlook, and the put-back itself is a push through the calendar outbox, so a process that dies at any
// point cannot put the owner's event back without telling them, and a put-back whose answer was lost is
// known as ours when read back. The "crash" is a Graph client that carries a write out and then fails
// as a connection reset would (the process gone before it could record anything).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startInboundWorld, london, day, demoMailboxes, type InboundWorld } from './world.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { drainCalendarOutbox } from '../../src/app/appointments/calendar-push.ts';
import { getBooking } from '../../src/app/appointments/bookings.ts';
import { GraphTransient } from '../../src/app/ports/graph-errors.ts';
import type { CalendarGateway } from '../../src/app/ports/graph.ts';

let w: InboundWorld;
const sam = demoMailboxes.officers[0];
const officer = { username: 'officer1' };

/** A client whose every write reaches Graph and is carried out, and then dies with the connection. */
function dyingAfterWrites(real: CalendarGateway, writes: string[]): CalendarGateway {
  const die = async <T>(what: string, call: () => Promise<T>): Promise<never> => {
    writes.push(what);
    await call();
    throw new GraphTransient('connection reset after the request was sent (simulated crash)', undefined, 0);
  };
  return {
    ...real,
    createEvent: (m, i) => die(`POST ${m}`, () => real.createEvent(m, i)),
    updateEvent: (m, id, p, o) => die(`PATCH ${id}`, () => real.updateEvent(m, id, p, o)),
    deleteEvent: (m, id) => die(`DELETE ${id}`, () => real.deleteEvent(m, id)),
    cancelEvent: (m, id, c) => die(`CANCEL ${id}`, () => real.cancelEvent(m, id, c)),
  };
}

const outlookHistory = async (bookingId: number) =>
  (await sql<{ action: string }>`select action from booking_history where booking_id = ${bookingId} and action like 'OUTLOOK%' order by id`.execute(w.t.ctx.db)).rows.map((r) => r.action);
const emails = async (ref: number) => (await sql<{ n: number }>`select count(*)::int as n from email_outbox where source_ref = ${String(ref)}`.execute(w.t.ctx.db)).rows[0].n;
const pendingPushes = async (bookingId: number) =>
  (await sql<{ change: string }>`select change from calendar_outbox where booking_id = ${bookingId} and status = 'pending' order by id`.execute(w.t.ctx.db)).rows.map((r) => r.change);
/** PATCHes of one event that reached the emulator since the request log was last cleared. */
const patchesOf = async (eventId: string) =>
  ((await w.owner('GET', '/requests?limit=5000')).value as Array<{ method: string; path: string }>).filter((e) => e.method === 'PATCH' && decodeURIComponent(e.path).includes(eventId)).length;
const changed = (r: Awaited<ReturnType<InboundWorld['poll']>>) => r.results.flatMap((x) => Object.entries(x.outcomes).filter(([k, n]) => k !== 'none' && n));

/** Booked at `hhmm` on `d`, pushed, read once; then the owner moves the event to `to`. */
async function ownerMoves(d: string, hhmm: string, to: Date) {
  const b = await bookAppointment(w.t.ctx, officer, { diaryCode: 'RENTS', start: london(d, hhmm), who: 'Tenant' });
  await w.push();
  await w.poll({ calendar: sam });
  const eventId = w.eventOf(sam, b.ref)!.id;
  await w.owner('POST', `/users/${sam}/events/${eventId}/move`, { startDateTime: to.toISOString() });
  return { b, eventId };
}

beforeAll(async () => {
  w = await startInboundWorld();
});
afterAll(async () => w?.stop());

describe('a refused Outlook move and a crash', () => {
  it('commits the refusal before anything is written to Outlook: a crash cannot put the event back unannounced', async () => {
    const { b, eventId } = await ownerMoves(day(10), '11:00', london(day(12), '03:00')); // no slot at 03:00
    const syncWrites: string[] = [];
    const dying = dyingAfterWrites(w.gateway.calendar, syncWrites);
    const first = await w.poll({ calendar: sam, gateway: dying });
    expect(first.results[0].error).toBeUndefined();
    expect(first.results[0].outcomes.refused).toBe(1);
    // The sync wrote nothing to Outlook; what it decided is committed: history, the email, the put-back queued.
    expect(syncWrites).toEqual([]);
    expect(await outlookHistory(b.id)).toEqual(['OUTLOOK_MOVE_REFUSED']);
    expect(await emails(b.ref)).toBe(1);
    expect(await pendingPushes(b.id)).toEqual(['resync']);
    expect(w.eventOf(sam, b.ref)!.startMs).toBe(london(day(12), '03:00').getTime()); // not put back yet
    // The process dies here, before the push ran. The next run (another process) answers nothing twice.
    const again = await w.poll({ calendar: sam, gateway: dying });
    expect(changed(again)).toEqual([]);
    expect(syncWrites).toEqual([]);
    expect(await emails(b.ref)).toBe(1);
    // The push puts the event back, once.
    await w.owner('DELETE', '/requests');
    await w.push();
    expect(await patchesOf(eventId)).toBe(1);
    const ev = w.eventOf(sam, b.ref)!;
    expect(ev.startMs).toBe(london(day(10), '11:00').getTime());
    const booking = await getBooking(w.t.ctx, { ref: b.ref });
    expect({ status: booking.status, start: booking.startsAt.getTime(), state: booking.outlook.state, changeKey: booking.outlook.changeKey }).toEqual({
      status: 'BOOKED',
      start: london(day(10), '11:00').getTime(),
      state: 'synced',
      changeKey: ev.changeKey,
    });
    // Reading the put-back back is our own write: no move, no second refusal or email.
    expect(changed(await w.poll({ calendar: sam }))).toEqual([]);
    expect(await outlookHistory(b.id)).toEqual(['OUTLOOK_MOVE_REFUSED']);
    expect(await emails(b.ref)).toBe(1);
  });

  it('knows a put-back whose answer was lost as its own write when it reads it back', async () => {
    const { b } = await ownerMoves(day(10), '12:00', london(day(12), '04:00'));
    expect((await w.poll({ calendar: sam })).results[0].outcomes.refused).toBe(1);
    // The push's PATCH is carried out, and the push dies before it hears so.
    const pushWrites: string[] = [];
    const r = await drainCalendarOutbox(w.t.ctx, { gateway: dyingAfterWrites(w.gateway.calendar, pushWrites) });
    expect(r.failed).toBe(1);
    expect(pushWrites).toHaveLength(1);
    const ev = w.eventOf(sam, b.ref)!;
    expect(ev.startMs).toBe(london(day(10), '12:00').getTime());
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from calendar_push_unconfirmed where booking_id = ${b.id}`.execute(w.t.ctx.db);
    expect(rows[0].n).toBe(1);
    // Read back under a changeKey we never recorded: our own write landing, not the owner's move.
    expect(changed(await w.poll({ calendar: sam }))).toEqual([]);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).outlook.changeKey).toBe(ev.changeKey);
    // The retry after the back-off writes the booking again, and reading that back changes nothing.
    await sql`update calendar_outbox set next_attempt_at = now() where booking_id = ${b.id} and status = 'pending'`.execute(w.t.ctx.db);
    expect((await drainCalendarOutbox(w.t.ctx, { gateway: w.gateway.calendar })).pushed.updated).toBe(1);
    expect(changed(await w.poll({ calendar: sam }))).toEqual([]);
    const after = await getBooking(w.t.ctx, { ref: b.ref });
    expect({ status: after.status, start: after.startsAt.getTime(), state: after.outlook.state }).toEqual({ status: 'BOOKED', start: london(day(10), '12:00').getTime(), state: 'synced' });
    expect(await outlookHistory(b.id)).toEqual(['OUTLOOK_MOVE_REFUSED']);
    expect(await emails(b.ref)).toBe(1);
  });

  it('puts back an event moved within its own slot through the push, with no email', async () => {
    const { b, eventId } = await ownerMoves(day(10), '13:00', london(day(10), '13:20'));
    const syncWrites: string[] = [];
    const r = await w.poll({ calendar: sam, gateway: dyingAfterWrites(w.gateway.calendar, syncWrites) });
    expect(r.results[0].outcomes.restored).toBe(1);
    expect(syncWrites).toEqual([]);
    expect(await outlookHistory(b.id)).toEqual(['OUTLOOK_EVENT_RESTORED']);
    expect(await pendingPushes(b.id)).toEqual(['resync']);
    await w.owner('DELETE', '/requests');
    await w.push();
    expect(await patchesOf(eventId)).toBe(1);
    expect(w.eventOf(sam, b.ref)!.startMs).toBe(london(day(10), '13:00').getTime());
    expect(changed(await w.poll({ calendar: sam }))).toEqual([]);
    expect(await emails(b.ref)).toBe(0);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).status).toBe('BOOKED');
  });
});
