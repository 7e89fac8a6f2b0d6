// The calendar module's data, stored under `user.calendar` (plain JSON, snapshotted by the core).
import type { Recipient } from '../contracts.ts';

export interface ExtendedProperty {
  id: string;
  value: string;
}

export interface RecurrencePattern {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  daysOfWeek?: string[];
  firstDayOfWeek?: string;
  dayOfMonth?: number;
  month?: number;
  index?: string;
}

export interface RecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
  recurrenceTimeZone?: string;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

export interface StoredEvent {
  id: string;
  calendarId: string;
  /** Calendar change sequence number of the last change (delta tokens are positions in it). */
  seq: number;
  /** Tombstone: kept (without content) so calendarView delta can report `@removed`. */
  deleted?: boolean;
  /** Recent shapes (time and recurrence) by the seq they took effect at, newest last: lets delta
   *  work out which occurrences a client saw before a series moved or changed pattern. */
  history?: EventShape[];
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  iCalUId: string;
  transactionId: string | null;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  importance: 'low' | 'normal' | 'high';
  sensitivity: 'normal' | 'personal' | 'private' | 'confidential';
  showAs: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
  isAllDay: boolean;
  isCancelled: boolean;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  isOnlineMeeting: boolean;
  hideAttendees: boolean;
  categories: string[];
  /** Instants, epoch ms UTC. */
  startMs: number;
  endMs: number;
  /** Zone names as the client gave them (Windows or IANA), returned as originalStart/EndTimeZone. */
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  location: Record<string, unknown>;
  locations: Record<string, unknown>[];
  attendees: Record<string, unknown>[];
  organizer: Recipient;
  /** The mailbox owner's answer; absent = organizer. */
  responseStatus?: { response: 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded'; time: string };
  recurrence: PatternedRecurrence | null;
  singleValueExtendedProperties: ExtendedProperty[];
  multiValueExtendedProperties: { id: string; value: string[] }[];
}

export interface EventShape {
  seq: number;
  startMs: number;
  endMs: number;
  recurrence: PatternedRecurrence | null;
  originalStartTimeZone: string;
}

export interface CalendarFolder {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  isDefaultCalendar: boolean;
  changeKey: string;
  /** Per-calendar change sequence: every create/update/delete of an event takes the next value. */
  seq: number;
  /** Change log for calendarView delta: `{seq, id}` ascending; an event's latest entry is the one
   *  whose seq equals the event's `seq`. Superseded entries are compacted away. */
  log: { seq: number; id: string }[];
}

export interface CalendarState {
  defaultCalendarId: string;
  calendars: Record<string, CalendarFolder>;
  /** Keyed by event id (ids are immutable: events never change folder in this emulator). */
  events: Record<string, StoredEvent>;
  /** transactionId → event id, for idempotent creates. */
  transactionIds: Record<string, string>;
  /** Bumped by `POST /_emulator/calendar/expire-tokens` to invalidate calendarView delta tokens. */
  deltaEpoch: number;
}
