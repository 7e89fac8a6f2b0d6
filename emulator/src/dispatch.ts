/**
 * The Graph request pipeline, independent of sockets so `$batch` items go through it too:
 * fault → route → token → user → role → throttle → handler → Graph error body.
 * Error shapes: https://learn.microsoft.com/graph/errors
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AppIdentity, ChangeEvent, RouteContext, RouteDef } from './contracts.ts';
import { GraphError } from './contracts.ts';
import type { FaultRule } from './faults.ts';
import type { Core } from './core.ts';
import { newGuid } from './ids.ts';
import { findUser } from './state.ts';

export interface DispatchInput {
  method: string;
  /** Below `/v1.0` (or `/_uploads/...`). */
  path: string;
  /** Full URL path, for fault matching and the log. */
  urlPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Already parsed (batch items carry JSON bodies). */
  body?: unknown;
  req: IncomingMessage;
  /** Set for `$batch` items: the outer request's app. */
  app?: AppIdentity;
  inBatch?: boolean;
}

export interface DispatchOutput {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export const jsonContentType = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

export function graphDate(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, '');
}

export function errorOutput(core: Core, status: number, code: string, message: string, requestId: string, clientRequestId: string | undefined, headers: Record<string, string> = {}): DispatchOutput {
  return {
    status,
    headers: { 'content-type': jsonContentType, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: { date: graphDate(core.clock.now()), 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId },
      },
    },
  };
}

/** `Prefer: a=b, c="d"` and repeated Prefer headers → lower-cased key → unquoted value. */
export function parsePrefer(h: string | string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (!h) return m;
  const all = Array.isArray(h) ? h.join(',') : h;
  // split on commas not inside quotes
  for (const part of all.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const t = part.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    const k = (i < 0 ? t : t.slice(0, i)).trim().toLowerCase();
    const v = i < 0 ? '' : t.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
    m.set(k, v);
  }
  return m;
}

function directoryRoute(def: RouteDef): boolean {
  return /^\/users(\/:user)?$/i.test(def.pattern);
}

export async function dispatch(core: Core, input: DispatchInput, fault?: FaultRule): Promise<DispatchOutput & { logRoute?: string; mailbox?: string; clientId?: string }> {
  const requestId = newGuid();
  const clientRequestId = typeof input.headers['client-request-id'] === 'string' ? input.headers['client-request-id'] : undefined;
  const err = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    errorOutput(core, status, code, message, requestId, clientRequestId, headers);
  const finish = (o: DispatchOutput, extra: { logRoute?: string; mailbox?: string; clientId?: string } = {}) => {
    o.headers['request-id'] = requestId;
    o.headers['client-request-id'] = clientRequestId ?? requestId;
    return { ...o, ...extra };
  };

  if (fault && fault.kind !== 'latency') {
    const f = injectedStatus(fault);
    if (f) return finish(err(f.status, f.code, f.message, f.headers));
  }

  // OData key syntax (`/users('id')/mailFolders('inbox')`) is the same resource as `/users/id/…`
  if (input.path.includes("('")) input = { ...input, path: input.path.replace(/\('((?:[^']|'')*)'\)/g, (_m, k: string) => '/' + encodeURIComponent(decodePath(k).replace(/''/g, "'"))) };
  const m = core.registry.graph.match(input.method, input.path);
  if (m === undefined) {
    const seg = input.path.split('/').filter(Boolean).pop() ?? '';
    if (/^\/me(\/|$)/i.test(input.path)) return finish(err(400, 'BadRequest', '/me request is only valid with delegated authentication flow.'));
    return finish(err(400, 'BadRequest', `Resource not found for the segment '${seg}'.`));
  }
  if (m === 'methodMismatch') return finish(err(405, 'BadRequest', `The HTTP method '${input.method}' is not supported for this resource.`));
  const { def, params } = m;

  let app: AppIdentity = input.app ?? { clientId: '', roles: [] };
  if (!def.anonymous && !input.app) {
    const auth = input.headers.authorization;
    if (!auth || !/^bearer\s+/i.test(auth) || !auth.replace(/^bearer\s+/i, '').trim()) {
      return finish(err(401, 'InvalidAuthenticationToken', 'Access token is empty.', { 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"' }));
    }
    try {
      const claims = await core.tokens.verifyAccessToken(auth.replace(/^bearer\s+/i, '').trim());
      if (claims.tid !== core.state.tenant.id) throw new Error('Access token validation failure. Invalid issuer.');
      app = { clientId: claims.appid, roles: claims.roles ?? [] };
    } catch (e) {
      return finish(err(401, 'InvalidAuthenticationToken', (e as Error).message));
    }
  }

  let user = undefined;
  if (params.user !== undefined) {
    user = findUser(core.state, params.user);
    if (!user) {
      if (directoryRoute(def)) return finish(err(404, 'Request_ResourceNotFound', `Resource '${params.user}' does not exist or one of its queried reference-property objects are not present.`));
      return finish(err(404, 'ErrorInvalidUser', `The requested user '${params.user}' is invalid.`));
    }
  }

  if (!def.anonymous && def.roles.length && !def.roles.some((r) => app.roles.includes(r))) {
    if (directoryRoute(def)) return finish(err(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), { logRoute: def.pattern, clientId: app.clientId });
    return finish(err(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'), { logRoute: def.pattern, mailbox: user?.id, clientId: app.clientId });
  }

  let release: (() => void) | undefined;
  if (user && !def.anonymous) {
    const a = core.throttle.admit(`${app.clientId}|${user.id}`);
    if (!a.ok) {
      const msg = a.reason === 'concurrency' ? 'Application is over its MailboxConcurrency limit.' : 'Application is over its IncomingBytes/Requests limit.';
      return finish(err(429, 'ApplicationThrottled', msg, { 'retry-after': String(a.retryAfterSeconds) }), { logRoute: def.pattern, mailbox: user.id, clientId: app.clientId });
    }
    release = a.release;
  }

  if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs ?? 1000));

  const prefer = parsePrefer(input.headers.prefer);
  const applied: string[] = [];
  let body = input.body;
  if (body === undefined && input.rawBody.length) {
    const ct = String(input.headers['content-type'] ?? '');
    if (ct.includes('json') || (!ct && /^\s*[{[]/.test(input.rawBody.toString('utf8', 0, 16)))) {
      try {
        body = JSON.parse(input.rawBody.toString('utf8'));
      } catch {
        release?.();
        return finish(err(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'), { logRoute: def.pattern, mailbox: user?.id, clientId: app.clientId });
      }
    }
  }
  const ctx: RouteContext = {
    req: input.req,
    method: input.method,
    path: decodePath(input.path),
    params,
    query: input.query,
    headers: input.headers,
    body,
    rawBody: input.rawBody,
    user,
    app,
    preferImmutableIds: (prefer.get('idtype') ?? '').toLowerCase() === 'immutableid',
    prefer,
    clock: core.clock,
    state: core.state,
    requestId,
    clientRequestId,
    graphBaseUrl: core.graphBaseUrl,
    emit: (c: ChangeEvent) => core.emit(c),
    markDirty: () => core.markDirty(),
    attachmentContent: core.content,
    applyPreference: (t: string) => {
      if (!applied.includes(t)) applied.push(t);
    },
  };
  try {
    const r = await def.handler(ctx);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
    if (r.body !== undefined && !headers['content-type']) headers['content-type'] = jsonContentType;
    if (applied.length) headers['preference-applied'] = applied.join(',');
    if (r.status < 300 || r.status >= 400) headers['odata-version'] ??= '4.0';
    return finish({ status: r.status, headers, body: r.body }, { logRoute: def.pattern, mailbox: user?.id, clientId: app.clientId });
  } catch (e) {
    if (e instanceof GraphError) return finish(err(e.status, e.code, e.message, e.headers), { logRoute: def.pattern, mailbox: user?.id, clientId: app.clientId });
    core.log(`handler error ${input.method} ${input.path}: ${(e as Error).stack ?? e}`);
    return finish(err(500, 'generalException', 'An internal server error occurred.'), { logRoute: def.pattern, mailbox: user?.id, clientId: app.clientId });
  } finally {
    release?.();
  }
}

/** Status-code faults; `null` for socket-level kinds handled by the server. */
export function injectedStatus(f: FaultRule): { status: number; code: string; message: string; headers: Record<string, string> } | null {
  const seconds = f.retryAfter ?? 1;
  // the client compares an HTTP date with its own (real) clock, so it is made from the wall clock
  const ra = { 'retry-after': f.retryAfterAsDate ? new Date(Date.now() + seconds * 1000).toUTCString() : String(seconds) };
  switch (f.kind) {
    case '429': return { status: 429, code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.', headers: ra };
    case '503': return { status: 503, code: 'ServiceNotAvailable', message: 'The service is temporarily unavailable.', headers: f.retryAfter !== undefined ? ra : {} };
    case '504': return { status: 504, code: 'GatewayTimeout', message: 'The gateway did not receive a timely response from the upstream server.', headers: {} };
    case '500': return { status: 500, code: 'generalException', message: 'An internal server error occurred.', headers: {} };
    default: return null;
  }
}

function decodePath(p: string): string {
  return p.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  }).join('/');
}
