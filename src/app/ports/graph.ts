/**
 * What housing365 needs from Microsoft 365, in its own words. The Graph adapter
 * (src/adapters/graph) implements these; every flow codes against them, never against Graph DTOs.
 *
 * Conventions:
 * - `mailbox` is an SMTP address or user principal name (e.g. `asb@housingorganisation.co.uk`).
 * - Ids are Graph IMMUTABLE ids (the adapter sends `Prefer: IdType="ImmutableId"` on every call), so
 *   an id survives a move between folders.
 * - Times are `Date`s (UTC instants); calendar wall-clock times travel as `{ dateTime, timeZone }`
 *   with a Windows time-zone name, as Graph wants them.
 * - Failures are the coded errors of `./graph-errors.ts` (GraphThrottled, GraphNotFound …).
 */
import type { Readable } from 'node:stream';

export interface EmailAddress {
  address: string;
  name?: string;
}

// ───────────────────────────────────────────────────────────── outbound mail ──

/** Bytes kept elsewhere (the blob store), read a range at a time: a 150 MB file never sits whole in memory. */
export interface AttachmentSource {
  size: number;
  /** Bytes [start, end) of the file; into `into` (reused range after range, so no garbage piles up) when given. */
  read(start: number, end: number, into?: Buffer): Promise<Buffer>;
}

export interface OutgoingAttachment {
  name: string;
  contentType: string;
  /** The bytes, when small and at hand … */
  content?: Buffer;
  /** … or where to read them (outbox attachments live in the blob store). One of the two is given. */
  source?: AttachmentSource;
  isInline?: boolean;
  contentId?: string;
}

export const attachmentSize = (a: OutgoingAttachment): number => a.content?.length ?? a.source?.size ?? 0;

/** The whole file (for the small ones that travel as JSON). */
export async function attachmentBytes(a: OutgoingAttachment): Promise<Buffer> {
  if (a.content) return a.content;
  if (a.source) return a.source.read(0, a.source.size);
  return Buffer.alloc(0);
}

/** Bytes [start, end) of the file (upload session chunks). */
export function attachmentRange(a: OutgoingAttachment, start: number, end: number, into?: Buffer): Promise<Buffer> {
  if (a.content) return Promise.resolve(a.content.subarray(start, end));
  if (a.source) return a.source.read(start, end, into);
  return Promise.resolve(Buffer.alloc(0));
}

export interface OutgoingMail {
  subject: string;
  /** At least one of html / text. When both are given, html is sent (Graph messages carry one body). */
  html?: string;
  text?: string;
  to: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
  replyTo?: EmailAddress[];
  importance?: 'low' | 'normal' | 'high';
  /** Custom internet headers; Graph only accepts names starting with `x-`. */
  headers?: { name: string; value: string }[];
  attachments?: OutgoingAttachment[];
  /** In-Reply-To for replies (Task Manager replies keep the thread). */
  inReplyToInternetMessageId?: string;
}

/** Where a message carrying our marker is now: still a draft (not sent), or sent. */
export interface MarkedMessage {
  id: string;
  isDraft: boolean;
  internetMessageId?: string;
}

// ────────────────────────────────────────────────────────────── inbound mail ──

export interface InboxMessage {
  id: string;
  internetMessageId: string;
  conversationId?: string;
  subject: string;
  from?: EmailAddress;
  sender?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress[];
  receivedAt: Date;
  sentAt?: Date;
  body: { kind: 'html' | 'text'; content: string };
  bodyPreview?: string;
  hasAttachments: boolean;
  isRead: boolean;
  isDraft: boolean;
  importance: 'low' | 'normal' | 'high';
  categories: string[];
  folderId: string;
  /** Only when asked for (`includeHeaders`): Graph returns them on single GETs with $select. */
  headers?: { name: string; value: string }[];
  /** Value of our extended property when the message is one we created (see MailboxGateway markers). */
  marker?: string;
}

export type InboxChange =
  | { kind: 'upsert'; message: InboxMessage }
  /** Left the folder (moved or deleted): Graph's `@removed` with reason `changed` or `deleted`. */
  | { kind: 'removed'; id: string; reason: 'changed' | 'deleted' };

export interface AttachmentInfo {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string;
  /** `file` carries bytes; `item` is an attached message; `reference` is a link (no bytes). */
  kind: 'file' | 'item' | 'reference';
}

// ───────────────────────────────────────────────────────────────── paging ──

/**
 * One page of a delta query. Consume `changes`, then persist `cursor` in the same transaction:
 * it is an opaque resume point (Graph's nextLink while more pages follow, the deltaLink on the last
 * page, where `complete` is true). Passing it back to the iterator resumes exactly there.
 */
export interface DeltaPage<T> {
  changes: T[];
  cursor: string;
  complete: boolean;
}

export interface MailboxGateway {
  /**
   * Creates a draft in the mailbox's Drafts folder carrying `marker` in a single-value extended
   * property, with its attachments (large ones through upload sessions). Returns the draft's id.
   */
  createDraft(mailbox: string, mail: OutgoingMail, marker: string): Promise<{ id: string }>;
  /** Adds one attachment to a draft (upload session when over 3 MB). */
  addAttachment(mailbox: string, draftId: string, attachment: OutgoingAttachment): Promise<void>;
  /** Sends a draft (Graph: POST /messages/{id}/send, 202). */
  sendDraft(mailbox: string, draftId: string): Promise<void>;
  /**
   * Finds a message carrying our marker anywhere in the mailbox, or undefined: a sent copy first, then
   * the draft `preferId` names, then any other (a stale draft).
   */
  findByMarker(mailbox: string, marker: string, preferId?: string): Promise<MarkedMessage | undefined>;
  /**
   * One-shot send without a draft (POST /sendMail). Cheapest, but a time-out leaves it unknown
   * whether it went: use only where a duplicate is acceptable. The marker is still stamped so the
   * Sent Items copy can be found.
   */
  sendMail(mailbox: string, mail: OutgoingMail, marker?: string): Promise<void>;
  deleteMessage(mailbox: string, id: string): Promise<void>;
  /**
   * Whether Graph takes an attachment of `bytes` for this mailbox: an upload session on a throw-away
   * draft, cancelled and deleted at once (doctor's message size check). 'refused' = too large for the tenant.
   */
  probeMessageSize(mailbox: string, bytes: number): Promise<'accepted' | 'refused'>;

  /** Delta over one folder (`inbox` or a folder id). No cursor = initial full sync. */
  messageDelta(mailbox: string, folder: string, cursor?: string, opts?: { pageSize?: number }): AsyncIterable<DeltaPage<InboxChange>>;
  getMessage(mailbox: string, id: string, opts?: { includeHeaders?: boolean }): Promise<InboxMessage>;
  /** The folder's messages received since `since` (a plain list, not delta: the inbox reconcile). */
  listRecentMessages(mailbox: string, folder: string, since: Date): AsyncIterable<InboxMessage>;
  /** The message as RFC 5322 source (GET /messages/{id}/$value), streamed. */
  getMessageMime(mailbox: string, id: string): Promise<Readable>;
  listAttachments(mailbox: string, messageId: string): Promise<AttachmentInfo[]>;
  /** File attachment bytes, streamed (GET …/attachments/{id}/$value): never buffered whole. */
  openAttachment(mailbox: string, messageId: string, attachmentId: string): Promise<Readable>;
  markRead(mailbox: string, id: string, isRead: boolean): Promise<void>;
  /** Moves to a folder (well-known name like `archive`, or a folder id); returns the (immutable) id. */
  moveMessage(mailbox: string, id: string, destinationFolder: string): Promise<{ id: string }>;
  /** Finds a child folder of the mailbox root by display name (for "Processed" style folders). */
  findFolder(mailbox: string, displayName: string): Promise<{ id: string } | undefined>;
  createFolder(mailbox: string, displayName: string): Promise<{ id: string }>;

  /**
   * A reply draft created ON `sourceId` in `mailbox` (Graph createReply / createReplyAll), carrying
   * `marker`, then given our subject, body (above the quoted original), recipients and attachments.
   * Exchange sets In-Reply-To, References, Thread-Index and conversationId; From is the mailbox.
   */
  createReplyDraft(mailbox: string, sourceId: string, mail: OutgoingMail, marker: string, opts?: { replyAll?: boolean }): Promise<{ id: string; internetMessageId?: string }>;
  /** Replaces the message's categories (Outlook shows them as coloured tags). */
  setCategories(mailbox: string, id: string, categories: string[]): Promise<void>;
  /** The message with this internetMessageId in a folder, if it is there (after a move whose answer was lost). */
  findInFolder(mailbox: string, folderId: string, internetMessageId: string): Promise<{ id: string; categories: string[] } | undefined>;
}

// ───────────────────────────────────────────────────────────────── calendar ──

export interface WallClock {
  /** Local time without offset, e.g. `2026-03-02T09:30:00`. */
  dateTime: string;
  /** Windows time-zone name, e.g. `GMT Standard Time` (Graph accepts every Windows name). */
  timeZone: string;
}

export interface CalendarEventInput {
  subject: string;
  html?: string;
  text?: string;
  start: WallClock;
  end: WallClock;
  location?: string;
  attendees?: (EmailAddress & { type?: 'required' | 'optional' | 'resource' })[];
  showAs?: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere';
  categories?: string[];
  /** false puts an event the owner made all-day back to timed (issue 7 restores it with start/end). */
  isAllDay?: boolean;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  /**
   * Idempotency key for create: Graph ignores a second create with the same transactionId
   * (returns the first event). Use the booking's outbox id.
   */
  transactionId?: string;
  /** Stored in our single-value extended property: the booking reference, for lookups and echo checks. */
  marker?: string;
}

export interface CalendarEvent {
  id: string;
  changeKey: string;
  iCalUId?: string;
  subject: string;
  body?: { kind: 'html' | 'text'; content: string };
  bodyPreview?: string;
  /** As Graph returned it (in UTC: the adapter asks for `Prefer: outlook.timezone="UTC"`). */
  start: WallClock;
  end: WallClock;
  /** The same instants as Dates. */
  startsAt: Date;
  endsAt: Date;
  isAllDay: boolean;
  isCancelled: boolean;
  showAs?: string;
  location?: string;
  organizer?: EmailAddress;
  attendees: (EmailAddress & { type?: string; response?: string })[];
  categories: string[];
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId?: string;
  transactionId?: string;
  marker?: string;
  createdAt?: Date;
  lastModifiedAt?: Date;
}

export type CalendarChange =
  | { kind: 'upsert'; event: CalendarEvent }
  /** Deleted, or moved out of the window: confirm with getEvent before treating it as a cancellation. */
  | { kind: 'removed'; id: string };

export interface CalendarGateway {
  createEvent(mailbox: string, input: CalendarEventInput): Promise<CalendarEvent>;
  /** Partial update; `ifMatch` = a changeKey to refuse overwriting someone else's change (412 → GraphPermanent 'conflict'). */
  updateEvent(mailbox: string, id: string, patch: Partial<CalendarEventInput>, opts?: { ifMatch?: string }): Promise<CalendarEvent>;
  deleteEvent(mailbox: string, id: string): Promise<void>;
  /** Cancels with a message to attendees (POST /events/{id}/cancel); organiser's events only. */
  cancelEvent(mailbox: string, id: string, comment?: string): Promise<void>;
  /** undefined when the event no longer exists. */
  getEvent(mailbox: string, id: string): Promise<CalendarEvent | undefined>;
  /** Events carrying our marker value (e.g. to find a booking's event after a lost response). */
  findEventsByMarker(mailbox: string, marker: string): Promise<CalendarEvent[]>;
  /**
   * calendarView delta over [start, end). No cursor = initial sync of the window. The window is fixed
   * by the first call: a later call resumes with the cursor (Graph keeps the window in the token).
   */
  calendarViewDelta(mailbox: string, window: { start: Date; end: Date }, cursor?: string, opts?: { pageSize?: number }): AsyncIterable<DeltaPage<CalendarChange>>;
}

// ─────────────────────────────────────────────────────────────── directory ──

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName?: string;
  mail?: string;
}

export interface DirectoryGateway {
  /** undefined when no such user/mailbox exists in the tenant. */
  findUser(addressOrUpn: string): Promise<DirectoryUser | undefined>;
}

/** Everything Graph, as one object on AppContext (`ctx.graph`). */
export interface GraphGateway {
  mail: MailboxGateway;
  calendar: CalendarGateway;
  directory: DirectoryGateway;
  /** Change-notification subscriptions (issue 8); optional so test doubles need not provide them. */
  subscriptions?: import('../notifications/ports.ts').SubscriptionGateway;
  /** Gets (or reuses) an app token; throws GraphAuthFailed with the identity platform's reason. */
  checkToken(): Promise<{ expiresAt?: Date; roles: string[] }>;
  /** Where it points, for the Integration page and doctor. */
  readonly endpoints: { graphBaseUrl: string; authority: string };
  /** Graph requests made since start (the bench and the outbox metrics read it). */
  readonly stats: { requests: number; retries: number; throttled: number };
  close(): Promise<void>;
}

/** Where the Graph connection points: the tenant, or the embedded emulator in demo mode. */
export interface IntegrationEndpoints {
  mode: 'demo' | 'tenant';
  graphBaseUrl: string;
  authority: string;
  smtp?: { host: string; port: number };
}
