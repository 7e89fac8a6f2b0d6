// Graph event JSON (create / PATCH bodies) → stored event fields, with Graph's validation.
// https://learn.microsoft.com/graph/api/user-post-events
// https://learn.microsoft.com/graph/api/event-update
import { GraphError } from '../contracts.ts';
import type { UserState } from '../contracts.ts';
import type { ExtendedProperty, PatternedRecurrence, StoredEvent } from './model.ts';
import { isMidnightIn, resolveTimeZone, wallTimeToInstant } from './timezones.ts';

function invalid(message: string): GraphError {
  return new GraphError(400, 'ErrorPropertyValidationFailure', message);
}

function parseDateTimeTimeZone(v: unknown, prop: string): { ms: number; zoneName: string; zone: string } {
  if (!v || typeof v !== 'object') throw invalid(`The property '${prop}' must be a dateTimeTimeZone object.`);
  const { dateTime, timeZone } = v as { dateTime?: unknown; timeZone?: unknown };
  const zoneName = typeof timeZone === 'string' && timeZone.trim() !== '' ? timeZone : 'UTC';
  const zone = resolveTimeZone(zoneName);
  if (!zone) {
    throw new GraphError(400, 'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(timeZone)}'.`);
  }
  if (typeof dateTime !== 'string') throw invalid(`The property '${prop}.dateTime' is required.`);
  const ms = wallTimeToInstant(dateTime, zone);
  if (ms === null) {
    throw new GraphError(400, 'UnableToDeserializePostBody', `Cannot convert the literal '${dateTime}' to the expected type 'Edm.DateTimeOffset'.`);
  }
  return { ms, zoneName, zone };
}

const enums = {
  importance: ['low', 'normal', 'high'],
  sensitivity: ['normal', 'personal', 'private', 'confidential'],
  showAs: ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'],
} as const;

function enumValue<K extends keyof typeof enums>(key: K, v: unknown): (typeof enums)[K][number] {
  const match = enums[key].find((e) => typeof v === 'string' && e.toLowerCase() === v.toLowerCase());
  if (!match) throw new GraphError(400, 'BadRequest', `Requested value '${String(v)}' was not found for property '${key}'.`);
  return match;
}

export function normaliseLocation(loc: unknown): Record<string, unknown> {
  if (!loc || typeof loc !== 'object') {
    return { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} };
  }
  const l = loc as Record<string, unknown>;
  const displayName = typeof l.displayName === 'string' ? l.displayName : '';
  const out: Record<string, unknown> = {
    displayName,
    locationType: l.locationType ?? 'default',
    uniqueId: l.uniqueId ?? (displayName || undefined),
    uniqueIdType: l.uniqueIdType ?? (displayName ? 'private' : 'unknown'),
  };
  if (l.locationUri !== undefined) out.locationUri = l.locationUri;
  if (l.locationEmailAddress !== undefined) out.locationEmailAddress = l.locationEmailAddress;
  if (l.address !== undefined) out.address = l.address;
  if (l.coordinates !== undefined) out.coordinates = l.coordinates;
  if (out.uniqueId === undefined) delete out.uniqueId;
  return out;
}

function normaliseAttendees(v: unknown): Record<string, unknown>[] {
  if (!Array.isArray(v)) throw invalid("The property 'attendees' must be a collection.");
  return v.map((a) => {
    const att = (a ?? {}) as Record<string, unknown>;
    return {
      type: att.type ?? 'required',
      status: att.status ?? { response: 'none', time: '0001-01-01T00:00:00Z' },
      emailAddress: att.emailAddress ?? { address: '' },
    };
  });
}

function normaliseExtendedProperties(v: unknown): ExtendedProperty[] {
  if (!Array.isArray(v)) throw invalid("The property 'singleValueExtendedProperties' must be a collection.");
  return v.map((p) => {
    const { id, value } = (p ?? {}) as { id?: unknown; value?: unknown };
    if (typeof id !== 'string' || !/^\s*\w+\s+(\{[0-9a-f-]{36}\}|0x[0-9a-f]+)/i.test(id)) {
      throw new GraphError(400, 'ErrorInvalidExtendedPropertyValue', `The extended property id '${String(id)}' is not valid.`);
    }
    return { id: id.trim().replace(/\s+/g, ' '), value: value == null ? '' : String(value) };
  });
}

/** Adds/replaces by id (case-insensitive), as PATCH with singleValueExtendedProperties does. */
export function mergeExtendedProperties(current: ExtendedProperty[], incoming: ExtendedProperty[]): ExtendedProperty[] {
  const out = [...current];
  for (const p of incoming) {
    const i = out.findIndex((q) => q.id.toLowerCase() === p.id.toLowerCase());
    if (i >= 0) out[i] = p;
    else out.push(p);
  }
  return out;
}

const PATTERN_TYPES = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'];

function normaliseRecurrence(v: unknown): PatternedRecurrence | null {
  if (v === null) return null;
  const r = v as { pattern?: Record<string, unknown>; range?: Record<string, unknown> };
  if (!r || typeof r !== 'object' || !r.pattern || !r.range) throw invalid("The property 'recurrence' needs a pattern and a range.");
  const p = r.pattern;
  const g = r.range;
  if (!PATTERN_TYPES.includes(String(p.type))) throw invalid(`Unknown recurrence pattern type '${String(p.type)}'.`);
  if (!RANGE_TYPES.includes(String(g.type))) throw invalid(`Unknown recurrence range type '${String(g.type)}'.`);
  if (typeof g.startDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(g.startDate)) throw invalid('recurrence.range.startDate must be a date (YYYY-MM-DD).');
  if (g.type === 'endDate' && (typeof g.endDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(g.endDate))) throw invalid('recurrence.range.endDate must be a date (YYYY-MM-DD).');
  if (g.type === 'numbered' && !(Number(g.numberOfOccurrences) > 0)) throw invalid('recurrence.range.numberOfOccurrences must be positive.');
  if (p.type === 'weekly' && (!Array.isArray(p.daysOfWeek) || p.daysOfWeek.length === 0)) throw invalid('A weekly recurrence needs daysOfWeek.');
  return {
    pattern: {
      type: p.type as PatternedRecurrence['pattern']['type'],
      interval: Number(p.interval ?? 1) || 1,
      month: Number(p.month ?? 0),
      dayOfMonth: Number(p.dayOfMonth ?? 0),
      daysOfWeek: Array.isArray(p.daysOfWeek) ? p.daysOfWeek.map((d) => String(d).toLowerCase()) : [],
      firstDayOfWeek: String(p.firstDayOfWeek ?? 'sunday').toLowerCase(),
      index: String(p.index ?? 'first'),
    },
    range: {
      type: g.type as PatternedRecurrence['range']['type'],
      startDate: g.startDate,
      endDate: g.type === 'endDate' ? String(g.endDate) : '0001-01-01',
      numberOfOccurrences: g.type === 'numbered' ? Number(g.numberOfOccurrences) : 0,
      recurrenceTimeZone: typeof g.recurrenceTimeZone === 'string' ? g.recurrenceTimeZone : undefined,
    },
  };
}

/**
 * Applies the writable properties of a create/PATCH body to `ev` (mutates). Unknown and read-only
 * properties are ignored, except that `transactionId` cannot change once set (Graph docs).
 */
export function applyEventInput(ev: StoredEvent, body: Record<string, unknown>, isCreate: boolean): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
  }
  if (typeof body.subject === 'string') ev.subject = body.subject;
  if (body.body !== undefined) {
    const b = (body.body ?? {}) as { contentType?: unknown; content?: unknown };
    const ct = String(b.contentType ?? 'text').toLowerCase();
    if (ct !== 'text' && ct !== 'html') throw new GraphError(400, 'BadRequest', `Requested value '${String(b.contentType)}' was not found.`);
    ev.body = { contentType: ct, content: typeof b.content === 'string' ? b.content : '' };
  }
  if (body.importance !== undefined) ev.importance = enumValue('importance', body.importance);
  if (body.sensitivity !== undefined) ev.sensitivity = enumValue('sensitivity', body.sensitivity);
  if (body.showAs !== undefined) ev.showAs = enumValue('showAs', body.showAs);
  if (typeof body.isReminderOn === 'boolean') ev.isReminderOn = body.isReminderOn;
  if (typeof body.reminderMinutesBeforeStart === 'number') ev.reminderMinutesBeforeStart = body.reminderMinutesBeforeStart;
  if (typeof body.responseRequested === 'boolean') ev.responseRequested = body.responseRequested;
  if (typeof body.allowNewTimeProposals === 'boolean') ev.allowNewTimeProposals = body.allowNewTimeProposals;
  if (typeof body.isOnlineMeeting === 'boolean') ev.isOnlineMeeting = body.isOnlineMeeting;
  if (typeof body.hideAttendees === 'boolean') ev.hideAttendees = body.hideAttendees;
  if (Array.isArray(body.categories)) ev.categories = body.categories.map(String);
  if (body.attendees !== undefined) ev.attendees = normaliseAttendees(body.attendees ?? []);
  // location and locations always correspond (event resource docs).
  if (body.locations !== undefined && Array.isArray(body.locations)) {
    ev.locations = body.locations.map(normaliseLocation);
    ev.location = ev.locations[0] ? { ...ev.locations[0] } : normaliseLocation(null);
  }
  if (body.location !== undefined) {
    ev.location = normaliseLocation(body.location);
    ev.locations = (ev.location.displayName as string) ? [{ ...ev.location }] : [];
  }
  if (body.recurrence !== undefined) ev.recurrence = normaliseRecurrence(body.recurrence);
  if (body.singleValueExtendedProperties !== undefined) {
    ev.singleValueExtendedProperties = mergeExtendedProperties(ev.singleValueExtendedProperties, normaliseExtendedProperties(body.singleValueExtendedProperties));
  }
  if (Array.isArray(body.multiValueExtendedProperties)) {
    ev.multiValueExtendedProperties = body.multiValueExtendedProperties.map((p: { id?: unknown; value?: unknown }) => ({ id: String(p?.id ?? ''), value: Array.isArray(p?.value) ? p.value.map(String) : [] }));
  }
  if (isCreate && typeof body.transactionId === 'string') ev.transactionId = body.transactionId;

  let startZone: string | undefined;
  let endZone: string | undefined;
  if (body.start !== undefined) {
    const s = parseDateTimeTimeZone(body.start, 'start');
    ev.startMs = s.ms;
    ev.originalStartTimeZone = s.zoneName;
    startZone = s.zone;
  }
  if (body.end !== undefined) {
    const e = parseDateTimeTimeZone(body.end, 'end');
    ev.endMs = e.ms;
    ev.originalEndTimeZone = e.zoneName;
    endZone = e.zone;
  }
  if (isCreate && (body.start === undefined || body.end === undefined)) {
    throw invalid('The event needs both a start and an end.');
  }
  if (typeof body.isAllDay === 'boolean') ev.isAllDay = body.isAllDay;
  if (ev.endMs < ev.startMs) throw invalid('The end of the event must not be before its start.');
  if (ev.isAllDay) {
    const sz = startZone ?? resolveTimeZone(ev.originalStartTimeZone) ?? 'UTC';
    const ez = endZone ?? resolveTimeZone(ev.originalEndTimeZone) ?? 'UTC';
    if (!isMidnightIn(ev.startMs, sz) || !isMidnightIn(ev.endMs, ez) || ev.endMs <= ev.startMs) {
      throw invalid('An all-day event must start and end at midnight, and last at least one day.');
    }
  }
}

export function blankEvent(user: UserState, id: string, nowIso: string): StoredEvent {
  return {
    id,
    calendarId: '',
    seq: 0,
    changeKey: '',
    createdDateTime: nowIso,
    lastModifiedDateTime: nowIso,
    iCalUId: '',
    transactionId: null,
    subject: '',
    body: { contentType: 'html', content: '' },
    importance: 'normal',
    sensitivity: 'normal',
    showAs: 'busy',
    isAllDay: false,
    isCancelled: false,
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    responseRequested: true,
    allowNewTimeProposals: true,
    isOnlineMeeting: false,
    hideAttendees: false,
    categories: [],
    startMs: 0,
    endMs: 0,
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    location: normaliseLocation(null),
    locations: [],
    attendees: [],
    organizer: { emailAddress: { name: user.displayName, address: user.mail } },
    recurrence: null,
    singleValueExtendedProperties: [],
    multiValueExtendedProperties: [],
  };
}
