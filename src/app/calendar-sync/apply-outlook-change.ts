// Carries out what decideOutlookChange said about one booking: cancel or move it through the same use
// cases a person uses ("Cancel Appointment", "Move Appointment", source 'outlook'), or — when the
// diary's rules refuse — put the event back and email the calendar owner (guide §2.4.2). A stale write
// of our own that Graph carried out late is put right by a push, with no email (decide.ts rule 9).
//
// The sync itself never writes to Outlook. Every put-back (a refusal, a move within the own slot, a
// conflict housing wins, a late write of ours) is ONE transaction — the booking's history line, the
// owner's email in the email outbox, the change answered (calendar_sync_handled) and a 'resync' row in
// the calendar outbox — and the push worker then writes the booking over the event, with the same
// unknown-outcome record (calendar_push_unconfirmed) as every push. A crash before that commit leaves
// nothing done and the delta page is read again; after it, everything the owner is told is true and
// the put-back follows from the outbox (issue 14 §10).
import { AppError } from '../../errors.ts';
import { insertHistory } from '../../adapters/db/bookings.ts';
import { insertOutbox } from '../../adapters/db/bookings-outbox.ts';
import { insertSyncLog } from '../../adapters/db/calendar-sync.ts';
import { consumeUnconfirmedWrite, markHandled, recordOwnWrite, selectSyncBooking, type SyncBooking } from '../../adapters/db/calendar-sync-bookings.ts';
import type { Db } from '../../adapters/db/database.ts';
import { bookingMarker } from '../../domain/appointments/event.ts';
import { formatSlotTime } from '../../domain/appointments/rules.ts';
import { violationSubject } from '../../domain/calendar-sync/violation-subject.ts';
import { decideOutlookChange, UNCONFIRMED_WRITES, type Decision, type EventState, type Observation } from '../../domain/calendar-sync/decide.ts';
import { wakeCalendarPush } from '../appointments/calendar-outbox.ts';
import { cancelBooking } from '../appointments/cancel-booking.ts';
import { moveBooking } from '../appointments/move-booking.ts';
import { BookingRuleError } from '../appointments/rule-error.ts';
import type { CalendarEvent, CalendarGateway } from '../ports/graph.ts';
import type { AppContext } from '../context.ts';
import type { InboundCalendarSettings } from './settings.ts';
import { queueViolationEmail, wakeOutbox } from './violation-email.ts';

export type ApplyOutcome = 'none' | 'moved' | 'cancelled' | 'refused' | 'conflict' | 'restored' | 'error';

export interface ApplyInput {
  calendar: string;
  gateway: CalendarGateway;
  settings: InboundCalendarSettings;
}

export const toEventState = (e: CalendarEvent): EventState => ({
  id: e.id,
  changeKey: e.changeKey,
  startsAt: e.startsAt,
  endsAt: e.endsAt,
  isAllDay: e.isAllDay,
  isCancelled: e.isCancelled,
  type: e.type,
  marker: e.marker,
});

const facts = (b: SyncBooking, now: Date) => ({
  ref: b.ref,
  status: b.status,
  startsAt: b.startsAt,
  endsAt: b.endsAt,
  writtenChangeKey: b.changeKey,
  writtenStart: b.writtenStart,
  handledChangeKey: b.handledChangeKey,
  unconfirmed: b.unconfirmed.filter((u) => now.getTime() - u.at.getTime() < UNCONFIRMED_WRITES.keepMs),
});

/** Reads the event by id (GET answers with our marker expanded): the authoritative state. */
export async function lookUpEvent(gateway: CalendarGateway, calendar: string, eventId: string): Promise<Observation> {
  const ev = await gateway.getEvent(calendar, eventId);
  return ev ? { kind: 'present', event: toEventState(ev) } : { kind: 'gone' };
}

/**
 * Decides and applies for one booking. `seen` is what the delta said; anything that would change the
 * booking is confirmed with a GET first (fresh state, and the extended property as the cross-check
 * that this event really is this booking's).
 */
export async function applyOutlookChange(ctx: AppContext, input: ApplyInput, booking: SyncBooking, seen: Observation, confirmed = false): Promise<ApplyOutcome> {
  let b = booking;
  let obs = seen;
  let isConfirmed = confirmed;
  for (let attempt = 0; attempt < 3; attempt++) {
    const decision = decideOutlookChange(facts(b, ctx.now()), obs, bookingMarker(b.ref));
    if (decision.action === 'none') {
      if (decision.why === 'own-late-write' && obs.kind === 'present') {
        // Our unanswered write landed, agreeing with the booking: its changeKey is ours now.
        const ev = obs.event;
        await ctx.db.transaction().execute(async (trx) => {
          await recordOwnWrite(trx, b.id, b.version, { changeKey: ev.changeKey, start: ev.startsAt, end: ev.endsAt });
          await consumeUnconfirmedWrite(trx, b.id, { start: ev.startsAt, end: ev.endsAt });
        });
      }
      return 'none';
    }
    if (!isConfirmed) {
      obs = await lookUpEvent(input.gateway, input.calendar, b.eventId);
      isConfirmed = true;
      attempt--;
      continue;
    }
    try {
      return await carryOut(ctx, input, b, obs, decision);
    } catch (err) {
      // The booking changed in housing between our read and our change (version check): read it
      // again and decide again — usually a conflict now, which housing wins.
      if (err instanceof AppError && err.code === 'conflict' && !(err instanceof BookingRuleError)) {
        const fresh = await selectSyncBooking(ctx.db, b.id);
        if (!fresh) return 'none';
        b = fresh;
        continue;
      }
      throw err;
    }
  }
  throw new AppError('conflict', `Appointment ${b.ref} kept changing in housing while an Outlook change was applied; it will be looked at again on the next poll`);
}

async function carryOut(ctx: AppContext, input: ApplyInput, b: SyncBooking, obs: Observation, d: Exclude<Decision, { action: 'none' }>): Promise<ApplyOutcome> {
  const { calendar, settings } = input;
  const actor = { username: calendar };
  const zone = b.diaryZone;
  const when = (at: Date) => formatSlotTime(at, zone);
  const ev = obs.kind === 'present' ? obs.event : undefined;
  const log = (outcome: ApplyOutcome & ('moved' | 'cancelled' | 'refused' | 'conflict' | 'restored' | 'error'), detail: string) =>
    insertSyncLog(ctx.db, { calendar, bookingId: b.id, ref: b.ref, eventId: b.eventId, outcome, detail, at: ctx.now() });

  switch (d.action) {
    case 'cancel': {
      try {
        await cancelBooking(ctx, actor, b.ref, settings.cancelReason, 'outlook', { expectedVersion: b.version, note: `cancelled from Outlook by ${calendar}` });
      } catch (err) {
        if (!(err instanceof BookingRuleError)) throw err;
        await ctx.db.transaction().execute(async (trx) => {
          await history(trx, b, actor.username, 'OUTLOOK_CANCEL_FAILED', `deleted in Outlook by ${calendar} but not cancelled: ${err.message}`);
        });
        await log('error', `deleted in Outlook; not cancelled: ${err.message}`);
        return 'error';
      }
      await log('cancelled', d.why === 'deleted' ? `deleted in Outlook by ${calendar}` : `cancelled in Outlook by ${calendar}`);
      return 'cancelled';
    }

    case 'restore': {
      // Moved within its own slot (e.g. 10:00 → 10:15 in a 10–11 slot): not a move. The event is put
      // back to the slot's times so Outlook shows what housing holds; no email.
      await answer(ctx, b, ev, {
        actor: actor.username,
        action: 'OUTLOOK_EVENT_RESTORED',
        note: `moved in Outlook by ${calendar} to ${when(d.at)}, inside its own slot; event put back to ${when(b.startsAt)}`,
        putBack: true,
      });
      await log('restored', `moved within its slot to ${when(d.at)}; put back`);
      return 'restored';
    }

    case 'move': {
      try {
        await moveBooking(ctx, actor, b.ref, { start: d.to, match: 'containing' }, settings.moveReason, 'outlook', {
          expectedVersion: b.version,
          note: `moved in Outlook by ${calendar} to ${when(d.to)}`,
        });
      } catch (err) {
        if (!(err instanceof BookingRuleError)) throw err;
        await refuse(ctx, input, b, ev, `Move in Outlook to ${when(d.to)} refused`, err.message, true);
        await log('refused', `move to ${when(d.to)} refused: ${err.message}`);
        return 'refused';
      }
      await log('moved', `moved in Outlook by ${calendar} from ${when(b.startsAt)} to ${when(d.to)}`);
      return 'moved';
    }

    case 'refuse': {
      const message =
        d.rule === 'all_day'
          ? `Appointment ${b.ref} cannot be made an all-day event: an appointment takes one slot in diary ${b.diaryCode}. It stays at ${when(b.startsAt)}; to move it, drag it to the start of a free slot.`
          : `Appointment ${b.ref} cannot be made a recurring series: each appointment is one visit in diary ${b.diaryCode}. It stays at ${when(b.startsAt)}; remove the recurrence in Outlook and book further visits in housing.`;
      // A series is left as the owner made it (we never delete occurrences they created); an all-day
      // event is put back to the booking's times.
      await refuse(ctx, input, b, ev, d.rule === 'all_day' ? 'All-day change in Outlook refused' : 'Recurring series in Outlook refused', message, d.rule === 'all_day');
      await log('refused', message);
      return 'refused';
    }

    case 'late-echo': {
      // A PATCH (or create) of ours that timed out was carried out by Graph after a newer write of
      // ours: the event shows housing's older time. Not the owner's move: the booking stays, and a
      // push (state-based) writes the booking as it is now over the event. No email — the owner did
      // nothing. The changeKey is answered, so a replayed page or a resync does not do it again.
      await answer(ctx, b, ev, {
        actor: 'system',
        action: 'OUTLOOK_LATE_WRITE',
        note: `Outlook showed ${when(d.at)}, written by an earlier push of ours whose answer was lost and carried out late; the booking stays at ${when(b.startsAt)} and Outlook is put back`,
        putBack: true,
        also: async (trx) => {
          if (ev) await consumeUnconfirmedWrite(trx, b.id, { start: ev.startsAt, end: ev.endsAt });
        },
      });
      await log('restored', `late write of ours to ${when(d.at)}; push queued to put back ${when(b.startsAt)}`);
      return 'restored';
    }

    case 'conflict': {
      // Housing wins: the booking keeps housing's change; Outlook is put back to it.
      const note = `moved in Outlook by ${calendar} to ${when(d.outlookStart)} while the booking was changed in housing to ${when(b.startsAt)}; housing wins, Outlook put back`;
      await answer(ctx, b, ev, { actor: actor.username, action: 'OUTLOOK_CONFLICT', note, putBack: true });
      await log('conflict', note);
      return 'conflict';
    }
  }
}

/**
 * Answers an Outlook change in one transaction: the history line, the change marked answered, and —
 * with `putBack` — a push of the booking over the event queued in the calendar outbox; `also` adds
 * more in the same transaction (the owner's email). The push worker is woken after the commit.
 */
async function answer(
  ctx: AppContext,
  b: SyncBooking,
  ev: EventState | undefined,
  a: { actor: string; action: string; note: string; putBack: boolean; also?: (trx: Db) => Promise<void> },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await history(trx, b, a.actor, a.action, a.note);
    await a.also?.(trx);
    if (a.putBack) await insertOutbox(trx, b.id, 'resync');
    if (ev) await markHandled(trx, b.id, ev.changeKey, ctx.now());
  });
  if (a.putBack) await wakeCalendarPush(ctx);
}

/** The refused path: history, the owner's email, "answered" and (when asked) the put-back, committed together. */
async function refuse(ctx: AppContext, input: ApplyInput, b: SyncBooking, ev: EventState | undefined, what: string, message: string, putBack: boolean): Promise<void> {
  const { settings, calendar } = input;
  await answer(ctx, b, ev, {
    actor: calendar,
    action: 'OUTLOOK_MOVE_REFUSED',
    note: `${what}: ${message}${putBack ? ' The Outlook event is put back.' : ''}`,
    putBack,
    also: async (trx) => {
      if (!settings.fromAddress) return;
      await queueViolationEmail(trx, {
        to: calendar,
        subject: violationSubject(settings.violationSubject, b.ref),
        text: message,
        bookingRef: b.ref,
        key: `calendar-move-violation:${b.id}:${ev?.changeKey ?? ctx.now().toISOString()}`,
        actor: 'system',
      });
    },
  });
  if (settings.fromAddress) wakeOutbox(ctx);
}

function history(db: Db, b: SyncBooking, actor: string, action: string, note: string) {
  return insertHistory(db, b.id, {
    actor,
    source: 'outlook',
    action,
    fromStatus: b.status,
    toStatus: b.status,
    fromStart: b.startsAt,
    toStart: b.startsAt,
    reasonCode: null,
    note,
  });
}
