// Appointment Diary set-up rules (guide §2.3): External Calendar is None or Outlook 365; with Outlook
// 365 a Calendar Address is required and "will validate the entered Calendar Address against the
// domain for your organisation's Outlook 365 account in the System Parameter – INBOX_SERVER".
// Several diaries may share one address (the guide's "Rents Appointments and Estate Appointments"
// example), so the address is deliberately not unique.
import { normaliseDomain, parseEmailAddress } from '../params/email.ts';

export const EXTERNAL_CALENDARS = ['NONE', 'OUTLOOK365'] as const;
export type ExternalCalendar = (typeof EXTERNAL_CALENDARS)[number];
export const EXTERNAL_CALENDAR_LABELS: Record<ExternalCalendar, string> = { NONE: 'None', OUTLOOK365: 'Outlook 365' };

/** Returns the normalised (lower-case) address, or a message for the Calendar Address field. */
export function validateCalendarAddress(
  external: ExternalCalendar,
  raw: string | null | undefined,
  inboxServer: string | null | undefined,
): { ok: true; address: string | null } | { ok: false; message: string } {
  const text = (raw ?? '').trim();
  // With no external calendar the address means nothing: it is not kept, so it cannot be half-valid.
  if (external === 'NONE') return { ok: true, address: null };
  if (text === '') return { ok: false, message: 'Enter the Calendar Address: the email address of the Outlook 365 calendar for this diary' };
  const parts = parseEmailAddress(text);
  if (!parts) return { ok: false, message: `Calendar Address must be an email address such as rents@housingorganisation.co.uk; '${text}' is not` };
  const domain = inboxServer ? normaliseDomain(inboxServer) : undefined;
  if (!domain) {
    return {
      ok: false,
      message:
        "Calendar Address cannot be checked: set the system parameter INBOX_SERVER (the account domain name for your organisation's Outlook 365 account) first",
    };
  }
  if (parts.domain !== domain) {
    return {
      ok: false,
      message: `Calendar Address must be in the domain for your organisation's Outlook 365 account in the system parameter INBOX_SERVER (@${domain}); ${text} is in @${parts.domain}`,
    };
  }
  return { ok: true, address: `${parts.local}@${parts.domain}` };
}
