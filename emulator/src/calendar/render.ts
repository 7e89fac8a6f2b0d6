// Stored event → Graph JSON (https://learn.microsoft.com/graph/api/resources/event).
// Times come back in UTC unless `Prefer: outlook.timezone` names another zone; then every
// dateTimeTimeZone uses that zone and echoes the name as the client sent it.
import type { UserState } from '../contracts.ts';
import type { StoredEvent } from './model.ts';
import { htmlToOneLine, htmlToText } from '../mail/html-text.ts';
import { evaluateFilter, parseFilter, FilterSyntaxError, type FilterNode } from './odata-filter.ts';
import { instantToWallTime, localDate, resolveTimeZone } from './timezones.ts';
import { GraphError } from '../contracts.ts';

export interface OutputZone {
  /** As the client wrote it (`Pacific Standard Time`), or `UTC`. */
  name: string;
  /** IANA zone for conversions. */
  zone: string;
}

export const UTC_OUTPUT: OutputZone = { name: 'UTC', zone: 'UTC' };

export interface ExpandSpec {
  single?: FilterNode | true;
  multi?: FilterNode | true;
}

export interface RenderOptions {
  tz: OutputZone;
  select?: Set<string>;
  expand?: ExpandSpec;
  /** For an expanded occurrence of a series. */
  occurrence?: { id: string; startMs: number; endMs: number; seriesMasterId: string };
  /** `Prefer: outlook.body-content-type` (https://learn.microsoft.com/graph/api/event-get). */
  bodyType?: 'text' | 'html';
}

function bodyFor(ev: StoredEvent, want: RenderOptions['bodyType']): StoredEvent['body'] {
  if (!want || want === ev.body.contentType) return ev.body;
  if (want === 'text') return { contentType: 'text', content: htmlToText(ev.body.content) };
  const esc = ev.body.content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>');
  return { contentType: 'html', content: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${esc}</body></html>` };
}

/** Occurrences carry their own iCalUId: Outlook's global object id with the instance date
 *  (bytes 16–19: year, month, day) filled in, where the master has zeros. */
function occurrenceICalUId(masterUid: string, occurrenceId: string): string {
  const m = /_(\d{4})(\d{2})(\d{2})$/.exec(occurrenceId);
  if (!m || masterUid.length < 40) return masterUid;
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  return masterUid.slice(0, 32) + hex(Number(m[1]), 4) + hex(Number(m[2]), 2) + hex(Number(m[3]), 2) + masterUid.slice(40);
}

export function dateTimeTimeZone(ms: number, tz: OutputZone): { dateTime: string; timeZone: string } {
  return { dateTime: instantToWallTime(ms, tz.zone), timeZone: tz.name };
}

/** All-day events are floating dates: midnight of the event's own calendar date, written in
 *  whatever zone the response uses (UTC by default) — not converted like timed events. */
function allDayDateTime(ms: number, originalZoneName: string, tz: OutputZone): { dateTime: string; timeZone: string } {
  const d = localDate(ms, resolveTimeZone(originalZoneName) ?? 'UTC');
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return { dateTime: `${p(d.year, 4)}-${p(d.month)}-${p(d.day)}T00:00:00.0000000`, timeZone: tz.name };
}

export function bodyPreview(ev: StoredEvent): string {
  const text = ev.body.contentType === 'html' ? htmlToOneLine(ev.body.content) : ev.body.content.replace(/\s+/g, ' ').trim();
  return text.slice(0, 255);
}

export function webLink(id: string): string {
  return `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`;
}

function eventType(ev: StoredEvent, occ: RenderOptions['occurrence']): string {
  if (occ) return 'occurrence';
  return ev.recurrence ? 'seriesMaster' : 'singleInstance';
}

/** Properties of an event in Graph's order. */
export function renderEvent(ev: StoredEvent, user: UserState, o: RenderOptions): Record<string, unknown> {
  const occ = o.occurrence;
  const id = occ?.id ?? ev.id;
  const full: Record<string, unknown> = {
    '@odata.etag': `W/"${ev.changeKey}"`,
    id,
    createdDateTime: ev.createdDateTime,
    lastModifiedDateTime: ev.lastModifiedDateTime,
    changeKey: ev.changeKey,
    categories: ev.categories,
    transactionId: ev.transactionId,
    originalStartTimeZone: ev.originalStartTimeZone,
    originalEndTimeZone: ev.originalEndTimeZone,
    iCalUId: occ ? occurrenceICalUId(ev.iCalUId, occ.id) : ev.iCalUId,
    reminderMinutesBeforeStart: ev.reminderMinutesBeforeStart,
    isReminderOn: ev.isReminderOn,
    hasAttachments: false,
    subject: ev.subject,
    bodyPreview: bodyPreview(ev),
    importance: ev.importance,
    sensitivity: ev.sensitivity,
    isAllDay: ev.isAllDay,
    isCancelled: ev.isCancelled,
    isOrganizer: ev.organizer.emailAddress.address.toLowerCase() === user.mail.toLowerCase(),
    responseRequested: ev.responseRequested,
    seriesMasterId: occ ? occ.seriesMasterId : null,
    showAs: ev.showAs,
    type: eventType(ev, occ),
    webLink: webLink(id),
    onlineMeetingUrl: null,
    isOnlineMeeting: ev.isOnlineMeeting,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: ev.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: ev.hideAttendees,
    responseStatus: ev.responseStatus ?? { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: bodyFor(ev, o.bodyType),
    start: ev.isAllDay ? allDayDateTime(occ?.startMs ?? ev.startMs, ev.originalStartTimeZone, o.tz) : dateTimeTimeZone(occ?.startMs ?? ev.startMs, o.tz),
    end: ev.isAllDay ? allDayDateTime(occ?.endMs ?? ev.endMs, ev.originalEndTimeZone, o.tz) : dateTimeTimeZone(occ?.endMs ?? ev.endMs, o.tz),
    location: ev.location,
    locations: ev.locations,
    recurrence: occ ? null : ev.recurrence,
    attendees: ev.attendees,
    organizer: ev.organizer,
    onlineMeeting: null,
  };
  let out: Record<string, unknown> = full;
  if (o.select) {
    out = { '@odata.etag': full['@odata.etag'], id };
    for (const [k, v] of Object.entries(full)) if (o.select.has(k.toLowerCase())) out[k] = v;
  }
  const ex = o.expand;
  if (ex?.single) {
    const props = ev.singleValueExtendedProperties.filter((p) => ex.single === true || evaluateFilter(ex.single as FilterNode, p));
    if (props.length) out.singleValueExtendedProperties = props;
  }
  if (ex?.multi) {
    const props = ev.multiValueExtendedProperties.filter((p) => ex.multi === true || evaluateFilter(ex.multi as FilterNode, p));
    if (props.length) out.multiValueExtendedProperties = props;
  }
  return out;
}

/** What $filter sees: the UTC rendering plus the extended properties. */
export function filterView(ev: StoredEvent, user: UserState, occurrence?: RenderOptions['occurrence']): Record<string, unknown> {
  const v = renderEvent(ev, user, { tz: UTC_OUTPUT, occurrence });
  v.singleValueExtendedProperties = ev.singleValueExtendedProperties;
  v.multiValueExtendedProperties = ev.multiValueExtendedProperties;
  return v;
}

export const EVENT_PROPERTIES = new Set(Object.keys(renderEvent({
  changeKey: '', categories: [], body: { contentType: 'text', content: '' }, organizer: { emailAddress: { address: '' } },
  singleValueExtendedProperties: [], multiValueExtendedProperties: [],
} as unknown as StoredEvent, { mail: '' } as UserState, { tz: UTC_OUTPUT })).map((k) => k.toLowerCase()));

export function parseSelectParam(q: URLSearchParams): Set<string> | undefined {
  const raw = q.get('$select') ?? q.get('select');
  if (!raw) return undefined;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    const k = n.toLowerCase();
    if (!EVENT_PROPERTIES.has(k) && k !== 'singlevalueextendedproperties' && k !== 'multivalueextendedproperties') {
      throw new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${n}' on type 'microsoft.graph.event'.`);
    }
  }
  return new Set(names.map((n) => n.toLowerCase()));
}

/** `$expand=singleValueExtendedProperties($filter=id eq '…')` and the multi-value form. */
export function parseExpandParam(q: URLSearchParams): ExpandSpec | undefined {
  const raw = q.get('$expand') ?? q.get('expand');
  if (!raw) return undefined;
  const spec: ExpandSpec = {};
  for (const item of splitTopLevel(raw)) {
    const m = /^\s*([A-Za-z]+)\s*(?:\((.*)\))?\s*$/s.exec(item);
    if (!m) throw new GraphError(400, 'BadRequest', `Invalid $expand clause '${item}'.`);
    const name = m[1]!.toLowerCase();
    let node: FilterNode | true = true;
    if (m[2]) {
      const fm = /^\s*\$filter\s*=\s*(.*)$/s.exec(m[2]);
      if (!fm) throw new GraphError(400, 'BadRequest', `Only $filter is supported inside $expand: '${item}'.`);
      try {
        node = parseFilter(fm[1]!);
      } catch (e) {
        if (e instanceof FilterSyntaxError) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${e.message}`);
        throw e;
      }
    }
    if (name === 'singlevalueextendedproperties') spec.single = node;
    else if (name === 'multivalueextendedproperties') spec.multi = node;
    else if (name === 'attachments' || name === 'extensions' || name === 'calendar' || name === 'instances') continue;
    else throw new GraphError(400, 'BadRequest', `Could not find a property named '${m[1]}' on type 'microsoft.graph.event'.`);
  }
  return spec;
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const c of s) {
    if (c === "'") quote = !quote;
    if (!quote && c === '(') depth++;
    if (!quote && c === ')') depth--;
    if (!quote && depth === 0 && c === ',') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}
