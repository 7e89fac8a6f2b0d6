/** Graph and admin routes as modules register them (see ../contracts.ts). */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AttachmentContentReader, ChangeEvent, Clock, EmulatorState, UserState } from './state.ts';

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
