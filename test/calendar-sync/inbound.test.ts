// Proof of the inbound calendar flow (guide §2.4) against the Graph emulator over HTTPS. Every
// user-side change is made through the emulator's admin API acting as the calendar owner, then a poll
// round (calendarView delta) applies it to housing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startInboundWorld, london, day, demoMailboxes, ADMIN, VIOLATION_TEXT, type InboundWorld } from './world.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { moveBooking } from '../../src/app/appointments/move-booking.ts';
import { getBooking, getBookingDetail } from '../../src/app/appointments/bookings.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { calendarPollStatus, stopCalendarPolling, startCalendarPolling } from '../../src/app/calendar-sync/poll-calendars.ts';
import { syncCalendar } from '../../src/app/calendar-sync/sync-calendar.ts';
import { inboundCalendarSettings } from '../../src/app/calendar-sync/settings.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { markerPropertyId } from '../../src/adapters/graph/mappers.ts';
import type { CalendarGateway, InboxMessage } from '../../src/app/ports/graph.ts';
import { recordSchedulerTick } from '../helpers/scheduler.ts';

let w: InboundWorld;
const sam = demoMailboxes.officers[0];
const alex = demoMailboxes.officers[1];
const officer = { username: 'officer1' };

const book = (diaryCode: string, d: string, hhmm: string, who = 'Tenant') => bookAppointment(w.t.ctx, officer, { diaryCode, start: london(d, hhmm), who, location: '1 High St' });

interface QueuedEmail { from_mailbox: string; to_recipients: Array<{ address: string }>; subject: string; body_text: string }
async function emailsAbout(ref: number): Promise<QueuedEmail[]> {
  const { rows } = await sql<QueuedEmail>`select from_mailbox, to_recipients, subject, body_text from email_outbox where source_ref = ${String(ref)} order by created_at`.execute(w.t.ctx.db);
  return rows;
}

/** Sends the outbox, then reads the calendar owner's Inbox through Graph. */
async function ownerInbox(mailbox: string): Promise<InboxMessage[]> {
  await drainOutbox(w.t.ctx);
  const out: InboxMessage[] = [];
  for await (const page of w.gateway.mail.messageDelta(mailbox, 'inbox')) for (const c of page.changes) if (c.kind === 'upsert') out.push(c.message);
  return out;
}

const movesAndCancels = (r: Awaited<ReturnType<InboundWorld['poll']>>) =>
  r.results.reduce((n, x) => n + (x.outcomes.moved ?? 0) + (x.outcomes.cancelled ?? 0) + (x.outcomes.refused ?? 0) + (x.outcomes.conflict ?? 0), 0);

beforeAll(async () => {
  w = await startInboundWorld();
});
afterAll(async () => w?.stop());

describe('reading Outlook changes back into bookings', () => {
  it('reads 60 of our own pushes back without moving or cancelling anything', async () => {
    const refs: number[] = [];
    for (let d = 1; d <= 5; d++) {
      for (const h of ['08:00', '09:00', '10:00', '11:00', '12:00', '13:00']) {
        refs.push((await book('RENTS', day(d), h)).ref);
        refs.push((await book('ESTATES', day(d), h)).ref);
      }
    }
    await w.push();
    const first = await w.poll();
    expect(first.held).toBeUndefined();
    expect(first.results.map((r) => r.fullSync)).toEqual([true, true]);
    expect(first.results.reduce((n, r) => n + r.changes, 0)).toBeGreaterThanOrEqual(60);
    expect(movesAndCancels(first)).toBe(0);
    // A housing move pushed to Outlook is also our own write when it comes back through delta.
    await moveBooking(w.t.ctx, officer, refs[0], { start: london(day(6), '15:00') }, 'OLMOVE', 'housing');
    await w.push();
    const second = await w.poll();
    expect(second.results.every((r) => !r.fullSync)).toBe(true);
    expect(movesAndCancels(second)).toBe(0);
    for (const ref of refs) {
      const b = await getBooking(w.t.ctx, { ref });
      expect(b.status).toBe(ref === refs[0] ? 'MOVED' : 'BOOKED');
    }
  });

  it('cancels the booking when the owner deletes the event, with the Outlook cancel reason', async () => {
    const b = await book('RENTS', day(7), '09:00');
    await w.push();
    await w.poll();
    const ev = w.eventOf(sam, b.ref)!;
    await w.owner('DELETE', `/users/${sam}/events/${ev.id}`);
    const r = await w.poll({ calendar: sam });
    expect(r.results[0].outcomes.cancelled).toBe(1);
    const { booking, history } = await getBookingDetail(w.t.ctx, b.ref);
    expect(booking.status).toBe('CAN');
    expect(booking.reasonCode).toBe('OLCAN');
    const last = history.at(-1)!;
    expect(last).toMatchObject({ source: 'outlook', action: 'CANCELLED', actor: sam, reasonCode: 'OLCAN', note: `cancelled from Outlook by ${sam}` });
  });

  it('moves the booking when the owner moves the event to a free slot, with the Outlook move reason', async () => {
    const b = await book('RENTS', day(7), '10:00');
    await w.push();
    await w.poll({ calendar: sam });
    const ev = w.eventOf(sam, b.ref)!;
    const to = london(day(8), '14:00');
    await w.owner('POST', `/users/${sam}/events/${ev.id}/move`, { startDateTime: to.toISOString() });
    const r = await w.poll({ calendar: sam });
    expect(r.results[0].outcomes.moved).toBe(1);
    const { booking, history } = await getBookingDetail(w.t.ctx, b.ref);
    expect(booking.status).toBe('MOVED');
    expect(booking.startsAt.toISOString()).toBe(to.toISOString());
    expect(booking.reasonCode).toBe('OLMOVE');
    expect(history.at(-1)).toMatchObject({ source: 'outlook', action: 'MOVED', actor: sam, reasonCode: 'OLMOVE' });
    // The push that follows is ours: reading it back changes nothing.
    await w.push();
    const again = await w.poll({ calendar: sam });
    expect(movesAndCancels(again)).toBe(0);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).startsAt.toISOString()).toBe(to.toISOString());
  });

  it('moves a booking whose event was moved to a time that is not a slot start into the slot containing it', async () => {
    const b = await book('ESTATES', day(7), '11:00');
    await w.push();
    await w.poll({ calendar: alex });
    const ev = w.eventOf(alex, b.ref)!;
    await w.owner('POST', `/users/${alex}/events/${ev.id}/move`, { startDateTime: london(day(9), '13:20').toISOString() });
    await w.poll({ calendar: alex });
    const moved = await getBooking(w.t.ctx, { ref: b.ref });
    expect(moved.startsAt.toISOString()).toBe(london(day(9), '13:00').toISOString());
    // The push puts the event on the slot's start.
    await w.push();
    expect(new Date(w.eventOf(alex, b.ref)!.startMs).toISOString()).toBe(london(day(9), '13:00').toISOString());
  });

  it('ignores events that are not ours: another event, or our id carrying another booking’s marker', async () => {
    const b = await book('RENTS', day(8), '16:00');
    await w.push();
    await w.poll({ calendar: sam });
    // An event the owner made themselves, moved about: never acted on.
    const own = await w.owner('POST', `/users/${sam}/events`, { subject: 'Dentist', start: { dateTime: `${day(8)}T16:00:00`, timeZone: 'GMT Standard Time' }, end: { dateTime: `${day(8)}T17:00:00`, timeZone: 'GMT Standard Time' } });
    await w.owner('POST', `/users/${sam}/events/${own.id}/move`, { shiftMinutes: 60 });
    // Our event whose extended property no longer names this booking: the cross-check refuses to act.
    const ev = w.eventOf(sam, b.ref)!;
    await w.owner('PATCH', `/users/${sam}/events/${ev.id}`, { singleValueExtendedProperties: [{ id: markerPropertyId, value: 'booking:999999' }] });
    await w.owner('POST', `/users/${sam}/events/${ev.id}/move`, { startDateTime: london(day(9), '16:00').toISOString() });
    const r = await w.poll({ calendar: sam });
    expect(movesAndCancels(r)).toBe(0);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).startsAt.toISOString()).toBe(london(day(8), '16:00').toISOString());
  });

  describe('a move the diary rules refuse', () => {
    async function refusedMove(hhmm: string, to: Date, expected: RegExp) {
      const b = await book('RENTS', day(10), hhmm);
      await w.push();
      await w.poll({ calendar: sam });
      const ev = w.eventOf(sam, b.ref)!;
      await w.owner('POST', `/users/${sam}/events/${ev.id}/move`, { startDateTime: to.toISOString() });
      const r = await w.poll({ calendar: sam });
      expect(r.results[0].outcomes.refused).toBe(1);
      const { booking, history } = await getBookingDetail(w.t.ctx, b.ref);
      expect(booking.status).toBe('BOOKED');
      expect(booking.startsAt.toISOString()).toBe(london(day(10), hhmm).toISOString());
      // The event is put back by the calendar push, queued with the refusal.
      await w.push();
      expect(new Date(w.eventOf(sam, b.ref)!.startMs).toISOString()).toBe(london(day(10), hhmm).toISOString());
      const refusal = history.at(-1)!;
      expect(refusal).toMatchObject({ source: 'outlook', action: 'OUTLOOK_MOVE_REFUSED' });
      expect(refusal.note).toMatch(new RegExp(expected.source.replace(/^\^/, '')));
      const [mail, ...more] = await emailsAbout(b.ref);
      expect(more).toHaveLength(0);
      expect(mail.to_recipients).toEqual([{ address: sam }]);
      // The guide's form (§2.4.2) for its own example value, which ends in "calendar:".
      expect(mail.subject).toBe(`${VIOLATION_TEXT} : Appointment Ref ${b.ref}`);
      expect(mail.body_text).toMatch(expected);
      expect(refusal.note).toContain(mail.body_text);
      // Sent through the outbox from EMO_EMAILADDR: in the owner's Inbox with exactly that subject and body.
      const inbox = (await ownerInbox(sam)).filter((m) => m.subject === mail.subject);
      expect(inbox).toHaveLength(1);
      expect(inbox[0].from?.address).toBe(demoMailboxes.noreply);
      expect(inbox[0].body.content.trim()).toBe(mail.body_text);
      expect((await emailsAbout(b.ref))[0].from_mailbox).toBe(demoMailboxes.noreply);
      // Our restore reads back as our own write: no second refusal, no second email.
      const again = await w.poll({ calendar: sam });
      expect(movesAndCancels(again)).toBe(0);
      expect(await emailsAbout(b.ref)).toHaveLength(1);
      return b;
    }

    it('refuses a move into a full slot', async () => {
      await book('RENTS', day(11), '16:00', 'A');
      await book('RENTS', day(11), '16:00', 'B');
      await refusedMove('11:00', london(day(11), '16:00'), /^No units available in the appointment slot/);
    });

    it('refuses a move into the past', async () => {
      await refusedMove('12:00', london(day(-1), '09:00'), /is in the past/);
    });

    it('refuses a move to a time with no slot', async () => {
      await refusedMove('13:00', london(day(12), '03:00'), /^No appointment slots exist for diary RENTS/);
    });
  });

  it('refuses an all-day event and puts the appointment back', async () => {
    const b = await book('RENTS', day(13), '09:00');
    await w.push();
    await w.poll({ calendar: sam });
    await w.owner('POST', `/users/${sam}/events/${w.eventOf(sam, b.ref)!.id}/all-day`);
    const r = await w.poll({ calendar: sam });
    expect(r.results[0].outcomes.refused).toBe(1);
    await w.push();
    const ev = w.eventOf(sam, b.ref)!;
    expect(ev.isAllDay).toBeFalsy();
    expect(new Date(ev.startMs).toISOString()).toBe(london(day(13), '09:00').toISOString());
    expect((await emailsAbout(b.ref))[0].body_text).toMatch(/cannot be made an all-day event/);
  });

  it('refuses a recurring series made from the event, once', async () => {
    const b = await book('RENTS', day(13), '10:00');
    await w.push();
    await w.poll({ calendar: sam });
    await w.owner('POST', `/users/${sam}/events/${w.eventOf(sam, b.ref)!.id}/recurring`, { pattern: 'daily', count: 3 });
    const r = await w.poll({ calendar: sam });
    expect(r.results[0].outcomes.refused).toBe(1);
    expect((await getBooking(w.t.ctx, { ref: b.ref })).status).toBe('BOOKED');
    expect((await emailsAbout(b.ref))[0].body_text).toMatch(/cannot be made a recurring series/);
    await w.poll({ calendar: sam });
    expect(await emailsAbout(b.ref)).toHaveLength(1);
  });

  it('lets housing win when both sides moved the booking, and corrects Outlook', async () => {
    const b = await book('RENTS', day(14), '09:00');
    await w.push();
    await w.poll({ calendar: sam });
    const ev = w.eventOf(sam, b.ref)!;
    await w.owner('POST', `/users/${sam}/events/${ev.id}/move`, { startDateTime: london(day(14), '12:00').toISOString() });
    await moveBooking(w.t.ctx, officer, b.ref, { start: london(day(15), '15:00') }, 'OLMOVE', 'housing');
    const r = await w.poll({ calendar: sam });
    expect(r.results[0].outcomes.conflict).toBe(1);
    const { booking, history } = await getBookingDetail(w.t.ctx, b.ref);
    expect(booking.startsAt.toISOString()).toBe(london(day(15), '15:00').toISOString());
    expect(history.map((h) => [h.source, h.action])).toEqual(expect.arrayContaining([['housing', 'MOVED'], ['outlook', 'OUTLOOK_CONFLICT']]));
    await w.push();
    expect(new Date(w.eventOf(sam, b.ref)!.startMs).toISOString()).toBe(london(day(15), '15:00').toISOString());
    await w.push();
    const again = await w.poll({ calendar: sam });
    expect(movesAndCancels(again)).toBe(0);
    expect(new Date(w.eventOf(sam, b.ref)!.startMs).toISOString()).toBe(london(day(15), '15:00').toISOString());
  });

  it('moves (does not cancel) a booking whose event was moved out of the sync window', async () => {
    // A 20-day window, so the slots at +40 days are outside it: delta reports @removed, the GET finds the event.
    const windowFor = (now: Date) => ({ start: new Date(now.getTime() - 86_400_000), end: new Date(now.getTime() + 20 * 86_400_000) });
    await w.t.ctx.db.deleteFrom('calendar_sync_state').where('calendar', '=', alex).execute();
    const b = await book('ESTATES', day(3), '15:00');
    await w.push();
    await w.poll({ calendar: alex, windowFor });
    const to = london(day(41), '10:00');
    await w.owner('POST', `/users/${alex}/events/${w.eventOf(alex, b.ref)!.id}/move`, { startDateTime: to.toISOString() });
    const r = await w.poll({ calendar: alex, windowFor });
    expect(r.results[0].outcomes).toEqual({ moved: 1 });
    const moved = await getBooking(w.t.ctx, { ref: b.ref });
    expect(moved.status).toBe('MOVED');
    expect(moved.startsAt.toISOString()).toBe(to.toISOString());
    await w.t.ctx.db.deleteFrom('calendar_sync_state').where('calendar', '=', alex).execute();
  });

  it('starts a full resync with no side effects when the delta token expires mid-run', async () => {
    const refs: number[] = [];
    for (const h of ['08:00', '09:00', '10:00', '11:00', '12:00', '13:00']) refs.push((await book('ESTATES', day(16), h)).ref);
    await w.push();
    await w.poll({ calendar: alex });
    // The owner edits subjects (not a move): several delta pages to read.
    for (const ref of refs) await w.owner('PATCH', `/users/${alex}/events/${w.eventOf(alex, ref)!.id}`, { subject: `Visit ${ref} (owner's note)` });
    const before = await Promise.all(refs.map((ref) => getBooking(w.t.ctx, { ref })));
    let pages = 0;
    const expiring: CalendarGateway = {
      ...w.gateway.calendar,
      async *calendarViewDelta(mailbox, window, cursor, opts) {
        for await (const page of w.gateway.calendar.calendarViewDelta(mailbox, window, cursor, opts)) {
          yield page;
          if (++pages === 1) await w.owner('POST', '/calendar/expire-tokens', { user: alex });
        }
      },
    };
    const settings = await inboundCalendarSettings(w.t.ctx);
    const r = await syncCalendar(w.t.ctx, alex, { gateway: expiring, settings, pageSize: 2 });
    expect(r.error).toBeUndefined();
    expect(r.resync).toBe('the delta token expired');
    expect(r.fullSync).toBe(true);
    expect(r.outcomes.moved ?? 0).toBe(0);
    expect(r.outcomes.cancelled ?? 0).toBe(0);
    expect(r.outcomes.refused ?? 0).toBe(0);
    const after = await Promise.all(refs.map((ref) => getBooking(w.t.ctx, { ref })));
    expect(after.map((b) => [b.status, b.startsAt.toISOString(), b.version])).toEqual(before.map((b) => [b.status, b.startsAt.toISOString(), b.version]));
    for (const ref of refs) expect(await emailsAbout(ref)).toHaveLength(0);
  });

  it('does not poll while the flow is off or polling is stopped, and says why per calendar', async () => {
    await stopCalendarPolling(w.t.ctx, ADMIN);
    expect((await w.poll()).held).toMatch(/calendar polling is stopped/);
    let status = await calendarPollStatus(w.t.ctx);
    expect(status.running).toBe(false);
    expect(status.calendars.find((c) => c.calendar === sam)?.state?.lastResult).toMatch(/stopped/);
    await startCalendarPolling(w.t.ctx, ADMIN);
    await setParameter(w.t.ctx, ADMIN, 'APPTIN_OUTLOOK365', 'N');
    expect((await w.poll()).held).toMatch(/APPTIN_OUTLOOK365 is N/);
    await setParameter(w.t.ctx, ADMIN, 'APPTIN_OUTLOOK365', 'Y');
    const r = await w.poll();
    expect(r.held).toBeUndefined();
    await recordSchedulerTick(w.t.ctx); // as the running job process does
    status = await calendarPollStatus(w.t.ctx);
    expect(status.running).toBe(true);
    const samState = status.calendars.find((c) => c.calendar === sam)!.state!;
    expect(samState.applied).toBeGreaterThanOrEqual(2);
    expect(samState.refused).toBeGreaterThanOrEqual(5);
    expect(samState.lastSuccessAt).not.toBeNull();
  });
});
