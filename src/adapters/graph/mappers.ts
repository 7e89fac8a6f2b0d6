/**
 * Graph JSON ↔ housing365's port types. Pure functions; Graph DTO types never leave this folder.
 * Shapes: https://learn.microsoft.com/graph/api/resources/message, /resources/event
 */
import type * as MSGraph from '@microsoft/microsoft-graph-types';
import type { AttachmentInfo, CalendarChange, CalendarEvent, CalendarEventInput, EmailAddress, InboxChange, InboxMessage, OutgoingMail } from '../../app/ports/graph.ts';

/**
 * Our single-value extended property (a named MAPI string property in our own GUID namespace).
 * It marks what housing365 created — outbox drafts (exactly-once sending) and calendar events
 * (booking reference) — and survives send (the Sent Items copy keeps it).
 * https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties
 */
export const markerPropertyId = 'String {6f1e2b7c-3a59-4d8e-9c41-0b5a7d2e8f13} Name housing365Marker';

export function toRecipient(a: EmailAddress): MSGraph.Recipient {
  return { emailAddress: a.name ? { address: a.address, name: a.name } : { address: a.address } };
}

export function fromRecipient(r: MSGraph.Recipient | null | undefined): EmailAddress | undefined {
  const a = r?.emailAddress?.address;
  if (!a) return undefined;
  return r?.emailAddress?.name && r.emailAddress.name !== a ? { address: a, name: r.emailAddress.name } : { address: a };
}

function recipients(list: MSGraph.Recipient[] | null | undefined): EmailAddress[] {
  return (list ?? []).map(fromRecipient).filter((x): x is EmailAddress => !!x);
}

/** The message resource for create-draft / sendMail (without attachments: they are added separately or inline). */
export function toGraphMessage(mail: OutgoingMail, marker?: string): MSGraph.Message {
  const msg: MSGraph.Message = {
    subject: mail.subject,
    body: mail.html !== undefined ? { contentType: 'html', content: mail.html } : { contentType: 'text', content: mail.text ?? '' },
    toRecipients: mail.to.map(toRecipient),
  };
  if (mail.cc?.length) msg.ccRecipients = mail.cc.map(toRecipient);
  if (mail.bcc?.length) msg.bccRecipients = mail.bcc.map(toRecipient);
  if (mail.replyTo?.length) msg.replyTo = mail.replyTo.map(toRecipient);
  if (mail.importance) msg.importance = mail.importance;
  const headers = [...(mail.headers ?? [])];
  if (mail.inReplyToInternetMessageId) {
    // Graph only takes x- headers on create; the thread link is kept as our own header and in the subject.
    headers.push({ name: 'x-housing365-in-reply-to', value: mail.inReplyToInternetMessageId });
  }
  if (headers.length) msg.internetMessageHeaders = headers;
  if (marker) msg.singleValueExtendedProperties = [{ id: markerPropertyId, value: marker }];
  return msg;
}

export function markerOf(item: { singleValueExtendedProperties?: MSGraph.SingleValueLegacyExtendedProperty[] | null }): string | undefined {
  const p = item.singleValueExtendedProperties?.find((x) => x.id?.toLowerCase() === markerPropertyId.toLowerCase());
  return p?.value ?? undefined;
}

export function toInboxMessage(m: MSGraph.Message): InboxMessage {
  const kind = m.body?.contentType === 'html' ? 'html' : 'text';
  return {
    id: m.id!,
    internetMessageId: m.internetMessageId ?? '',
    conversationId: m.conversationId ?? undefined,
    subject: m.subject ?? '',
    from: fromRecipient(m.from),
    sender: fromRecipient(m.sender),
    to: recipients(m.toRecipients),
    cc: recipients(m.ccRecipients),
    replyTo: recipients(m.replyTo),
    receivedAt: new Date(m.receivedDateTime ?? m.createdDateTime ?? 0),
    sentAt: m.sentDateTime ? new Date(m.sentDateTime) : undefined,
    body: { kind, content: m.body?.content ?? '' },
    bodyPreview: m.bodyPreview ?? undefined,
    hasAttachments: !!m.hasAttachments,
    isRead: !!m.isRead,
    isDraft: !!m.isDraft,
    importance: (m.importance as InboxMessage['importance']) ?? 'normal',
    categories: m.categories ?? [],
    folderId: m.parentFolderId ?? '',
    headers: m.internetMessageHeaders?.map((h) => ({ name: h.name ?? '', value: h.value ?? '' })),
    marker: markerOf(m),
  };
}

/** One entry of a message delta page: an item, or `@removed` (moved out or deleted). */
export function toInboxChange(item: MSGraph.Message & { '@removed'?: { reason?: string } }): InboxChange {
  if (item['@removed']) return { kind: 'removed', id: item.id!, reason: item['@removed'].reason === 'deleted' ? 'deleted' : 'changed' };
  return { kind: 'upsert', message: toInboxMessage(item) };
}

export function toAttachmentInfo(a: MSGraph.Attachment & { '@odata.type'?: string; contentId?: string }): AttachmentInfo {
  const t = (a['@odata.type'] ?? '').toLowerCase();
  return {
    id: a.id!,
    name: a.name ?? 'attachment',
    contentType: a.contentType ?? 'application/octet-stream',
    size: a.size ?? 0,
    isInline: !!a.isInline,
    contentId: a.contentId ?? undefined,
    kind: t.endsWith('itemattachment') ? 'item' : t.endsWith('referenceattachment') ? 'reference' : 'file',
  };
}

// ───────────────────────────────────────────────────────────── calendar ──

export function toGraphEvent(input: Partial<CalendarEventInput>): MSGraph.Event {
  const e: MSGraph.Event = {};
  if (input.subject !== undefined) e.subject = input.subject;
  if (input.html !== undefined) e.body = { contentType: 'html', content: input.html };
  else if (input.text !== undefined) e.body = { contentType: 'text', content: input.text };
  if (input.start) e.start = { dateTime: input.start.dateTime, timeZone: input.start.timeZone };
  if (input.end) e.end = { dateTime: input.end.dateTime, timeZone: input.end.timeZone };
  if (input.location !== undefined) e.location = { displayName: input.location };
  if (input.attendees) e.attendees = input.attendees.map((a) => ({ emailAddress: { address: a.address, name: a.name }, type: a.type ?? 'required' }));
  if (input.showAs) e.showAs = input.showAs;
  if (input.categories) e.categories = input.categories;
  if (input.isAllDay !== undefined) e.isAllDay = input.isAllDay;
  if (input.isReminderOn !== undefined) e.isReminderOn = input.isReminderOn;
  if (input.reminderMinutesBeforeStart !== undefined) e.reminderMinutesBeforeStart = input.reminderMinutesBeforeStart;
  if (input.transactionId) e.transactionId = input.transactionId;
  if (input.marker !== undefined) e.singleValueExtendedProperties = [{ id: markerPropertyId, value: input.marker }];
  return e;
}

/** Graph's dateTime with a zone → the instant. We ask for UTC (`Prefer: outlook.timezone="UTC"`); other zones are left to the caller's zone tools. */
export function instantOf(dt: MSGraph.DateTimeTimeZone | null | undefined): Date {
  const s = dt?.dateTime ?? '';
  const zone = (dt?.timeZone ?? 'UTC').toUpperCase();
  if (zone === 'UTC' || zone === 'COORDINATED UNIVERSAL TIME' || zone === 'ETC/UTC') {
    return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`);
  }
  return new Date(s);
}

export function toCalendarEvent(e: MSGraph.Event): CalendarEvent {
  return {
    id: e.id!,
    changeKey: e.changeKey ?? '',
    iCalUId: e.iCalUId ?? undefined,
    subject: e.subject ?? '',
    body: e.body ? { kind: e.body.contentType === 'html' ? 'html' : 'text', content: e.body.content ?? '' } : undefined,
    bodyPreview: e.bodyPreview ?? undefined,
    start: { dateTime: e.start?.dateTime ?? '', timeZone: e.start?.timeZone ?? 'UTC' },
    end: { dateTime: e.end?.dateTime ?? '', timeZone: e.end?.timeZone ?? 'UTC' },
    startsAt: instantOf(e.start),
    endsAt: instantOf(e.end),
    isAllDay: !!e.isAllDay,
    isCancelled: !!e.isCancelled,
    showAs: e.showAs ?? undefined,
    location: e.location?.displayName ?? undefined,
    organizer: fromRecipient(e.organizer),
    attendees: (e.attendees ?? []).filter((a) => a.emailAddress?.address).map((a) => ({
      address: a.emailAddress!.address!,
      name: a.emailAddress?.name ?? undefined,
      type: a.type ?? undefined,
      response: a.status?.response ?? undefined,
    })),
    categories: e.categories ?? [],
    type: (e.type as CalendarEvent['type']) ?? undefined,
    seriesMasterId: e.seriesMasterId ?? undefined,
    transactionId: e.transactionId ?? undefined,
    marker: markerOf(e),
    createdAt: e.createdDateTime ? new Date(e.createdDateTime) : undefined,
    lastModifiedAt: e.lastModifiedDateTime ? new Date(e.lastModifiedDateTime) : undefined,
  };
}

export function toCalendarChange(item: MSGraph.Event & { '@removed'?: { reason?: string } }): CalendarChange {
  if (item['@removed']) return { kind: 'removed', id: item.id! };
  return { kind: 'upsert', event: toCalendarEvent(item) };
}

/** OData string literal: single quotes doubled. */
export function odataString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

export function markerFilter(marker: string): string {
  return `singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(markerPropertyId)} and ep/value eq ${odataString(marker)})`;
}
