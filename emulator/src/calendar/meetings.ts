// What happens around a meeting besides the organizer's own event: mail to attendees, copies in
// tenant attendees' calendars, and attendees' responses flowing back to the organizer.
import { GraphError } from '../contracts.ts';
import type { ChangeEvent, EmulatorState, ModuleHost, UserState } from '../contracts.ts';
import { findUserByAddress } from '../state.ts';
import { copiesOnCancel, copiesOnCreate, copiesOnUpdate, findByICalUId, isOrganizerOf } from './attendee-copies.ts';
import { meetingChanged, sendMeetingMail } from './meeting-mail.ts';
import type { StoredEvent } from './model.ts';
import { eventChanged, removeEvent } from './store.ts';

type Emit = (c: ChangeEvent) => void;

export interface MeetingContext {
  host: ModuleHost;
  state: EmulatorState;
  nowIso: string;
  emit: Emit;
}

export function meetingCreated(m: MeetingContext, organizer: UserState, ev: StoredEvent): void {
  if (!isOrganizerOf(ev, organizer) || ev.attendees.length === 0) return;
  sendMeetingMail(m.host, organizer, ev, 'request');
  copiesOnCreate(m.state, organizer, ev, m.nowIso, m.emit);
}

/** Call after the change was applied to `ev`; `before` is its previous state. */
export function meetingUpdated(m: MeetingContext, organizer: UserState, before: StoredEvent, ev: StoredEvent): void {
  if (!isOrganizerOf(ev, organizer) || !meetingChanged(before, ev)) return;
  if (ev.attendees.length === 0 && before.attendees.length === 0) return;
  sendMeetingMail(m.host, organizer, ev, 'update');
  copiesOnUpdate(m.state, organizer, before, ev, m.nowIso, m.emit);
}

/** Call before the organizer's event is removed. */
export function meetingCancelled(m: MeetingContext, organizer: UserState, ev: StoredEvent, comment?: string): void {
  if (!isOrganizerOf(ev, organizer) || ev.attendees.length === 0) return;
  sendMeetingMail(m.host, organizer, ev, 'cancel', comment);
  copiesOnCancel(m.state, organizer, ev, m.nowIso, m.emit);
}

export type ResponseKind = 'accept' | 'tentativelyAccept' | 'decline';

const RESPONSE = { accept: 'accepted', tentativelyAccept: 'tentativelyAccepted', decline: 'declined' } as const;
const SUBJECT = { accept: 'Accepted', tentativelyAccept: 'Tentative', decline: 'Declined' } as const;

/**
 * An attendee answers (https://learn.microsoft.com/graph/api/event-accept, event-tentativelyaccept,
 * event-decline → 202). The copy records the answer (a declined meeting leaves the calendar);
 * with sendResponse (default true) the organizer gets a reply and, in a tenant mailbox, the
 * attendee's status on the organizer's event changes — a new changeKey there, seen by delta.
 */
export function respondToMeeting(m: MeetingContext, attendee: UserState, ev: StoredEvent, kind: ResponseKind, body: Record<string, unknown>): void {
  if (isOrganizerOf(ev, attendee)) {
    throw new GraphError(400, 'ErrorInvalidRequest', "Your request can't be completed. You can't respond to a meeting you organized.");
  }
  if (ev.isCancelled) throw new GraphError(400, 'ErrorInvalidRequest', "Your request can't be completed. The meeting was cancelled.");
  const response = RESPONSE[kind];
  ev.responseStatus = { response, time: m.nowIso };
  if (kind === 'decline') removeEvent(attendee, ev, m.emit);
  else {
    ev.showAs = kind === 'accept' ? 'busy' : 'tentative';
    eventChanged(attendee, ev, m.nowIso, m.emit);
  }
  if (body.sendResponse === false) return;
  const organizerAddress = ev.organizer.emailAddress.address;
  const comment = typeof body.comment === 'string' ? body.comment : '';
  try {
    m.host.sendMailInternal(attendee.id, {
      subject: `${SUBJECT[kind]}: ${ev.subject}`,
      body: { contentType: 'text', content: comment },
      toRecipients: [{ emailAddress: { name: ev.organizer.emailAddress.name, address: organizerAddress } }],
      internetMessageHeaders: [{ name: 'X-Emulator-Meeting-Message', value: `${response}; iCalUId=${ev.iCalUId}` }],
    });
  } catch (e) {
    m.host.log(`meeting response for ${ev.id} not sent: ${(e as Error).message}`);
  }
  const organizer = findUserByAddress(m.state, organizerAddress);
  const original = organizer ? findByICalUId(organizer, ev.iCalUId, true) : undefined;
  if (!organizer || !original) return;
  const entry = original.attendees.find((a) => String((a.emailAddress as { address?: string } | undefined)?.address ?? '').toLowerCase() === attendee.mail.toLowerCase());
  if (!entry) return;
  entry.status = { response, time: m.nowIso };
  eventChanged(organizer, original, m.nowIso, m.emit);
}
