/**
 * Contracts between the emulator core (server, identity, mail, admin) and the modules that plug
 * into it (`src/calendar/routes.ts`, `src/subscriptions/routes.ts`).
 *
 * A module exports `register(host: ModuleHost): void | Promise<void>`; the core calls it once at
 * start, before the server listens. Everything a module needs comes through `ModuleHost` and the
 * `RouteContext` handed to each handler — modules never import the server.
 *
 * Stable: add fields, never rename or remove them.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

// ─────────────────────────────────────────────────────────────── state ──

/** The whole emulated tenant. Plain JSON (it is snapshotted to `--state-dir/state.json`). */
export interface EmulatorState {
  /** Bumped when the shape changes; a snapshot with another version is ignored. */
  version: 1;
  tenant: { id: string; domain: string; displayName?: string };
  apps: AppState[];
  /** Keyed by user id (a GUID). */
  users: Record<string, UserState>;
  /** Mail sent through Graph or SMTP to addresses outside the tenant. */
  outbound: OutboundRecord[];
  /** Owned by the subscriptions module (`src/subscriptions`). The core only persists it. */
  subscriptions?: unknown;
  /** Free space for modules (key = module name). Persisted as is. */
  modules: Record<string, unknown>;
  /** Milliseconds added to the wall clock by `POST /_emulator/clock` (persisted). */
  clockOffsetMs: number;
}

export interface AppState {
  clientId: string;
  displayName?: string;
  clientSecret?: string;
  /** PEM of the app's registered certificate (public part); client assertions are checked with it. */
  certificatePem?: string;
  /** Application permissions (app roles), e.g. `Mail.ReadWrite`. */
  roles: string[];
  /** Allowed redirect URIs for the authorization-code flow; empty/absent = any. */
  redirectUris?: string[];
}

export interface UserState {
  /** GUID, generated at seed time. */
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string;
  givenName?: string;
  surname?: string;
  jobTitle?: string;
  /** Sign-in password for the authorization-code page; absent = any password accepted. */
  password?: string;
  /** Group names/ids put in the id_token `groups` claim. */
  groups?: string[];
  /** Addresses (UPNs) this mailbox may send as (Send As grant on those mailboxes). */
  sendAs?: string[];
  mailbox: MailboxState;
  /** Owned by the calendar module. The core creates users with `calendar: undefined` and calls the
   *  `onUserCreated` listeners so the module can fill it. */
  calendar?: unknown;
}

export interface MailboxState {
  /** Monotonic per-mailbox change sequence number: every create/update/move/delete of a message takes
   *  the next value. Delta tokens are positions in this sequence. */
  seq: number;
  /** Keyed by folder id. */
  folders: Record<string, MailFolderState>;
  /** Keyed by IMMUTABLE id. */
  messages: Record<string, MessageState>;
  /** regular (move-changing) id → immutable id. */
  regularIds: Record<string, string>;
  /** Bumped by the admin API to expire every delta token of this mailbox. */
  deltaEpoch: number;
  /** Random per mailbox incarnation (a reset makes a new one): tokens from before are refused. */
  generation?: string;
}

export interface MailFolderState {
  id: string;
  displayName: string;
  /** `inbox`, `drafts`, `sentitems`, `deleteditems`, `archive`, `junkemail`, `outbox`, `msgfolderroot`. */
  wellKnownName?: string;
  parentFolderId: string;
  isHidden?: boolean;
  /** Change log used by message delta: entries in ascending `seq`; an id may appear several times
   *  (the latest entry wins); `removed` marks an item that left the folder (moved or deleted). */
  log: FolderLogEntry[];
}

export interface FolderLogEntry {
  seq: number;
  /** Immutable message id. */
  id: string;
  removed?: 'changed' | 'deleted';
  /** For removed entries: the regular id the item had in this folder. */
  rid?: string;
}

/** A message as stored. Graph JSON is produced from it by `src/mail/render.ts`. */
export interface MessageState {
  immutableId: string;
  /** Changes whenever the message moves to another folder (as Exchange's EWS ids do). */
  regularId: string;
  folderId: string;
  changeKey: string;
  /** Mailbox seq of the last change. */
  seq: number;
  /** Mailbox seq when it arrived in its current folder (created or moved in): delta `changeType`. */
  arrivedSeq?: number;
  /** Folders this message has left (moved out of); the delta quirk of core.quirks uses it. */
  leftFolders?: string[];
  createdDateTime: string;
  lastModifiedDateTime: string;
  receivedDateTime: string;
  sentDateTime?: string;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  from?: Recipient;
  sender?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  internetMessageId: string;
  conversationId: string;
  conversationIndex?: string;
  isRead: boolean;
  isDraft: boolean;
  importance: 'low' | 'normal' | 'high';
  categories: string[];
  flag: { flagStatus: 'notFlagged' | 'flagged' | 'complete' };
  inferenceClassification: 'focused' | 'other';
  internetMessageHeaders?: { name: string; value: string }[];
  singleValueExtendedProperties?: { id: string; value: string }[];
  attachments: AttachmentState[];
  /** Raw RFC 5322 source, base64 of its bytes, when the message arrived by SMTP or MIME sendMail. */
  mimeBase64?: string;
  /** The same as UTF-8 text, as state files from before kept it (read, never written). */
  mime?: string;
  /** Threading of a reply/forward draft (becomes In-Reply-To / References when sent). */
  inReplyTo?: string;
  references?: string[];
}

export interface Recipient {
  emailAddress: { name?: string; address: string };
}

export interface AttachmentState {
  id: string;
  kind: 'file' | 'item' | 'reference';
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string;
  lastModifiedDateTime: string;
  /** fileAttachment bytes, base64. */
  contentBytes?: string;
  /** fileAttachment bytes kept on disk instead (large uploads): the file name, by SHA-256, in the
   *  emulator's attachment content directory (mail/content.ts). `contentBytes` is then unset. */
  contentFile?: string;
  /** itemAttachment: the attached message (as Graph JSON) and its MIME. */
  item?: Record<string, unknown>;
  itemMimeBase64?: string;
  /** Older state files: the attached message's MIME as UTF-8 text (read, never written). */
  itemMime?: string;
  /** referenceAttachment link. */
  sourceUrl?: string;
}

/** Reads file attachment bytes wherever they are kept (inline base64 or a file on disk). */
export interface AttachmentContentReader {
  base64(a: AttachmentState): string;
  /** Where a `contentFile` attachment's bytes are on disk, to stream them. */
  path?(a: AttachmentState): string;
}

export interface OutboundRecord {
  at: string;
  fromUserId: string;
  from: string;
  to: string[];
  subject: string;
  internetMessageId: string;
  via: 'graph' | 'smtp';
}

// ─────────────────────────────────────────────────────────────── clock ──

/** The emulator's notion of now: wall clock + the admin offset. Use it for every timestamp and
 *  expiry so `POST /_emulator/clock {advanceMs}` moves everything together. */
export interface Clock {
  now(): Date;
  nowMs(): number;
  advance(ms: number): void;
  /** Called after each advance (e.g. to expire subscriptions). Returns an unsubscribe function. */
  onAdvance(listener: (nowMs: number) => void): () => void;
}

// ──────────────────────────────────────────────────────────── changes ──

export interface ChangeEvent {
  userId: string;
  resource: 'messages' | 'events';
  /** Mail folder id (messages) or calendar id (events). */
  folderId?: string;
  /** Immutable id of the item. */
  id: string;
  changeType: 'created' | 'updated' | 'deleted';
  /** true when the change came from the admin API acting as the mailbox owner. */
  byOwner?: boolean;
}

// ───────────────────────────────────────────────────────────── routing ──

export interface AppIdentity {
  clientId: string;
  roles: string[];
}

export interface RouteContext {
  req: IncomingMessage;
  method: string;
  /** Path below `/v1.0`, decoded, without query string, e.g. `/users/abc/events/AAMk…`. */
  path: string;
  /** Pattern parameters, decoded. `:user` is also resolved into `user`. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when none or not JSON). */
  body: any;
  rawBody: Buffer;
  /** Resolved from the `:user` parameter (id or userPrincipalName, case-insensitive). */
  user?: UserState;
  app: AppIdentity;
  /** `Prefer: IdType="ImmutableId"` was sent. */
  preferImmutableIds: boolean;
  /** Every `Prefer` token, lower-cased key → raw value (quotes removed), e.g.
   *  `odata.maxpagesize` → `50`, `outlook.timezone` → `Pacific Standard Time`, `idtype` → `ImmutableId`. */
  prefer: Map<string, string>;
  clock: Clock;
  state: EmulatorState;
  requestId: string;
  clientRequestId?: string;
  /** `https://localhost:PORT/v1.0` — for `@odata.context`, nextLink, deltaLink. */
  graphBaseUrl: string;
  /** Publishes a change to the feed (subscriptions listen) and schedules a state snapshot. */
  emit(change: ChangeEvent): void;
  /** Schedules a state snapshot (call after any mutation that does not `emit`). */
  markDirty(): void;
  /** Tells the router which Prefer tokens were honoured; sent back as `Preference-Applied`. */
  applyPreference(token: string): void;
  /** File attachment bytes (for `contentBytes` when attachments are expanded). */
  attachmentContent?: AttachmentContentReader;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below `/v1.0`, e.g. `/users/:user/events/:id`. Literal segments match case-insensitively;
   *  a more literal pattern wins over a parameter (`/events/delta` before `/events/:id`). */
  pattern: string;
  /** Any-of: the app needs at least one of these roles, else 403 ErrorAccessDenied. Empty = none. */
  roles: string[];
  handler: RouteHandler;
  /** Route needs no bearer token (e.g. pre-authenticated upload URLs). */
  anonymous?: boolean;
}

/** Thrown from handlers; the router renders Graph's error body:
 *  `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`. */
export class GraphError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface AdminRouteContext {
  req: IncomingMessage;
  method: string;
  /** Path below `/_emulator`, e.g. `/users/:user/events/:id/move`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  rawBody: Buffer;
  /** Resolved from `:user` (id or UPN) when present. */
  user?: UserState;
  state: EmulatorState;
  clock: Clock;
  graphBaseUrl: string;
  emit(change: ChangeEvent): void;
  markDirty(): void;
}

export interface AdminRouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below `/_emulator`, e.g. `/users/:user/events/:id`. */
  pattern: string;
  /** Throw `GraphError` for errors; rendered the same way as Graph errors. */
  handler: (ctx: AdminRouteContext) => RouteResult | Promise<RouteResult>;
  /** The body is not read first: the handler reads `ctx.req` itself (large uploads). */
  streamBody?: boolean;
}

/** A message to deliver through `sendMailInternal` (Graph `message` resource shape, subset). */
export interface OutgoingMessage {
  subject?: string;
  body?: { contentType?: 'text' | 'html' | 'Text' | 'HTML'; content?: string };
  toRecipients?: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
  replyTo?: Recipient[];
  from?: Recipient;
  importance?: 'low' | 'normal' | 'high';
  internetMessageHeaders?: { name: string; value: string }[];
  attachments?: { '@odata.type'?: string; name: string; contentType?: string; contentBytes?: string; isInline?: boolean; contentId?: string }[];
}

export interface HttpPostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What `register(host)` receives. */
export interface ModuleHost {
  registerRoute(def: RouteDef): void;
  registerAdminRoute(def: AdminRouteDef): void;
  /** The current state. NB: `POST /_emulator/reset` and `/seed` REPLACE the object: always call
   *  `getState()` (or use `ctx.state`) instead of keeping a reference. */
  getState(): EmulatorState;
  /** Called for each new user (seed, reset, admin) with the state it belongs to — fill `user.calendar`. */
  onUserCreated(listener: (user: UserState, state: EmulatorState) => void): void;
  /** Called after state was replaced (reset/seed/load) and after every user was created. */
  onStateReplaced(listener: (state: EmulatorState) => void): void;
  /** Subscribe to the change feed (Graph API and admin "act as owner" changes). */
  onChange(listener: (change: ChangeEvent) => void): () => void;
  emit(change: ChangeEvent): void;
  markDirty(): void;
  clock: Clock;
  /** `https://localhost:PORT/v1.0` (valid once the server listens). */
  graphBaseUrl(): string;
  /** Sends mail as the user: delivers to tenant inboxes, Sent Items copy, outbound log. */
  sendMailInternal(fromUserId: string, message: OutgoingMessage, opts?: { saveToSentItems?: boolean }): { internetMessageId: string };
  /** POST to any http/https URL (loopback allowed; self-signed certs accepted). Rejects on network
   *  error or timeout. */
  httpPost(url: string, body: string, opts?: { headers?: Record<string, string>; timeoutMs?: number }): Promise<HttpPostResult>;
  /** Options the emulator was started with (e.g. `notificationsAllowHttp`). */
  options: { notificationsAllowHttp: boolean };
  log(msg: string, fields?: Record<string, unknown>): void;
}

/** What `src/calendar/routes.ts` and `src/subscriptions/routes.ts` export. */
export type ModuleRegister = (host: ModuleHost) => void | Promise<void>;

export { newGuid, newImmutableId, newRegularId, newChangeKey, newInternetMessageId, newConversationId } from './ids.ts';
