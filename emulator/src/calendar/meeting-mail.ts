// Meeting mail: when the organizer creates, changes or cancels an event that has attendees,
// Exchange sends them a meeting request / update / cancellation
// (https://learn.microsoft.com/graph/api/user-post-events: "…sends invitations to attendees";
// https://learn.microsoft.com/graph/api/event-delete and event-cancel: cancellation to attendees).
// The emulator sends these as ordinary messages through the core's delivery (tenant inboxes,
// Sent Items, the outbound log for outside addresses). Not emulated: the eventMessage resource
// type (meetingMessageType, accept/decline), and tentative copies in attendees' calendars.
import type { ModuleHost, Recipient, UserState } from '../contracts.ts';
import type { StoredEvent } from './model.ts';
import { htmlToText } from '../mail/html-text.ts';
import { instantToWallTime, resolveTimeZone } from './timezones.ts';

export type MeetingMailKind = 'request' | 'update' | 'cancel';

function recipients(ev: StoredEvent, type: string): Recipient[] {
  return ev.attendees
    .filter((a) => a.type === type)
    .map((a) => (a.emailAddress ?? {}) as { name?: string; address?: string })
    .filter((e): e is { name?: string; address: string } => typeof e.address === 'string' && e.address.includes('@'))
    .map((e) => ({ emailAddress: { name: e.name ?? e.address, address: e.address } }));
}

/** Whether a change of `before` → `after` is one Outlook sends an update for. */
export function meetingChanged(before: StoredEvent, after: StoredEvent): boolean {
  return before.startMs !== after.startMs || before.endMs !== after.endMs || before.isAllDay !== after.isAllDay
    || JSON.stringify(before.location) !== JSON.stringify(after.location)
    || JSON.stringify(before.attendees) !== JSON.stringify(after.attendees)
    || JSON.stringify(before.recurrence) !== JSON.stringify(after.recurrence)
    || before.subject !== after.subject;
}

export function sendMeetingMail(host: ModuleHost, user: UserState, ev: StoredEvent, kind: MeetingMailKind, comment?: string): void {
  const to = recipients(ev, 'required');
  const cc = recipients(ev, 'optional');
  if (to.length + cc.length === 0) return;
  const zoneName = ev.originalStartTimeZone;
  const zone = resolveTimeZone(zoneName) ?? 'UTC';
  const when = `When: ${instantToWallTime(ev.startMs, zone).slice(0, 16).replace('T', ' ')} – ${instantToWallTime(ev.endMs, zone).slice(0, 16).replace('T', ' ')} (${zoneName})`;
  const where = ev.location.displayName ? `\nWhere: ${String(ev.location.displayName)}` : '';
  const prefix = kind === 'cancel' ? 'Canceled: ' : kind === 'update' ? 'Updated: ' : '';
  const text = kind === 'cancel'
    ? `${comment ?? ''}\n\n${when}${where}`.trim()
    : `${when}${where}\n\n${ev.body.contentType === 'text' ? ev.body.content : htmlToText(ev.body.content)}`.trim();
  try {
    host.sendMailInternal(user.id, {
      subject: `${prefix}${ev.subject}`,
      body: { contentType: 'text', content: text },
      toRecipients: to,
      ccRecipients: cc,
      internetMessageHeaders: [{ name: 'X-Emulator-Meeting-Message', value: `${kind}; iCalUId=${ev.iCalUId}` }],
    }, { saveToSentItems: true });
  } catch (e) {
    host.log(`meeting ${kind} for event ${ev.id} not sent: ${(e as Error).message}`);
  }
}
