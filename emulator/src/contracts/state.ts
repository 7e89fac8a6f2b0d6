/** The emulated tenant's state, its clock and its change feed, as modules see them (see ../contracts.ts). */

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
