/** What a module's `register(host)` receives (see ../contracts.ts). */
import type { ChangeEvent, Clock, EmulatorState, Recipient, UserState } from './state.ts';
import type { AdminRouteDef, RouteDef } from './routing.ts';

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
