// Tenant attendees' copies of a meeting. When a meeting request reaches a mailbox in the tenant,
// Exchange puts the meeting in that calendar as tentative (same iCalUId, the organizer's
// organizer, responseStatus notResponded); updates follow the organizer's changes, and a
// cancellation marks the copy cancelled ("Canceled: …") for the attendee to remove.
// https://learn.microsoft.com/graph/api/resources/event (iCalUId, responseStatus, isCancelled)
import type { ChangeEvent, EmulatorState, UserState } from '../contracts.ts';
import { findUserByAddress } from '../state.ts';
import { blankEvent } from './event-input.ts';
import type { StoredEvent } from './model.ts';
import { calendarOf, eventChanged, insertEvent, newEventId } from './store.ts';

type Emit = (c: ChangeEvent) => void;

/** Fields an attendee's copy takes from the organizer's event. */
const SHARED = [
  'subject', 'body', 'importance', 'sensitivity', 'isAllDay', 'startMs', 'endMs', 'originalStartTimeZone', 'originalEndTimeZone',
  'location', 'locations', 'attendees', 'recurrence', 'responseRequested', 'allowNewTimeProposals', 'isOnlineMeeting', 'hideAttendees',
] as const;

function share(from: StoredEvent, to: StoredEvent): void {
  for (const k of SHARED) (to as unknown as Record<string, unknown>)[k] = structuredClone(from[k]);
}

export function isOrganizerOf(ev: StoredEvent, user: UserState): boolean {
  return ev.organizer.emailAddress.address.toLowerCase() === user.mail.toLowerCase();
}

/** Tenant users among the attendees (other than the organizer), once each. */
export function tenantAttendees(state: EmulatorState, organizer: UserState, ev: StoredEvent): UserState[] {
  const out = new Map<string, UserState>();
  for (const a of ev.attendees) {
    const address = (a.emailAddress as { address?: unknown } | undefined)?.address;
    if (typeof address !== 'string') continue;
    const u = findUserByAddress(state, address);
    if (u && u.id !== organizer.id) out.set(u.id, u);
  }
  return [...out.values()];
}

/** The live event in `user`'s calendars with this iCalUId (organizer's own or an attendee copy). */
export function findByICalUId(user: UserState, iCalUId: string, organizerCopy: boolean): StoredEvent | undefined {
  for (const ev of Object.values(calendarOf(user).events)) {
    if (!ev.deleted && ev.iCalUId === iCalUId && isOrganizerOf(ev, user) === organizerCopy) return ev;
  }
  return undefined;
}

function createCopy(attendee: UserState, ev: StoredEvent, nowIso: string, emit: Emit): void {
  const cal = calendarOf(attendee);
  const copy = blankEvent(attendee, newEventId(), nowIso);
  share(ev, copy);
  copy.iCalUId = ev.iCalUId;
  copy.organizer = structuredClone(ev.organizer);
  copy.showAs = 'tentative';
  copy.responseStatus = { response: 'notResponded', time: '0001-01-01T00:00:00Z' };
  insertEvent(attendee, cal.calendars[cal.defaultCalendarId]!, copy, emit);
}

function cancelCopy(attendee: UserState, copy: StoredEvent, nowIso: string, emit: Emit): void {
  if (copy.isCancelled) return;
  copy.isCancelled = true;
  copy.subject = `Canceled: ${copy.subject}`;
  eventChanged(attendee, copy, nowIso, emit);
}

export function copiesOnCreate(state: EmulatorState, organizer: UserState, ev: StoredEvent, nowIso: string, emit: Emit): void {
  for (const u of tenantAttendees(state, organizer, ev)) {
    if (!findByICalUId(u, ev.iCalUId, false)) createCopy(u, ev, nowIso, emit);
  }
}

export function copiesOnUpdate(state: EmulatorState, organizer: UserState, before: StoredEvent, ev: StoredEvent, nowIso: string, emit: Emit): void {
  const now = tenantAttendees(state, organizer, ev);
  for (const u of now) {
    const copy = findByICalUId(u, ev.iCalUId, false);
    if (!copy) {
      createCopy(u, ev, nowIso, emit);
      continue;
    }
    share(ev, copy);
    copy.isCancelled = false;
    eventChanged(u, copy, nowIso, emit);
  }
  const still = new Set(now.map((u) => u.id));
  for (const u of tenantAttendees(state, organizer, before)) {
    if (still.has(u.id)) continue;
    const copy = findByICalUId(u, ev.iCalUId, false);
    if (copy) cancelCopy(u, copy, nowIso, emit);
  }
}

export function copiesOnCancel(state: EmulatorState, organizer: UserState, ev: StoredEvent, nowIso: string, emit: Emit): void {
  for (const u of tenantAttendees(state, organizer, ev)) {
    const copy = findByICalUId(u, ev.iCalUId, false);
    if (copy) cancelCopy(u, copy, nowIso, emit);
  }
}
