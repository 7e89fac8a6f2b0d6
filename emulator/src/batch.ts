/**
 * JSON batching (https://learn.microsoft.com/graph/json-batching): ≤ 20 requests, `dependsOn`,
 * 424 Failed Dependency, per-item status, headers (Retry-After on a throttled item) and body.
 * Items run one after another in request order (Graph promises no order for independent items);
 * each goes through the same pipeline as a direct call, throttling and fault injection included.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { AppIdentity } from './contracts.ts';
import type { Core } from './core.ts';
import { dispatch, errorOutput, injectedStatus, type DispatchOutput } from './dispatch.ts';
import { newGuid } from './ids.ts';

export const maxBatchRequests = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export async function handleBatch(core: Core, req: IncomingMessage, rawBody: Buffer): Promise<DispatchOutput & { logRoute?: string; clientId?: string }> {
  const requestId = newGuid();
  const crid = typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
  const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    const o = errorOutput(core, status, code, message, requestId, crid, headers);
    o.headers['request-id'] = requestId;
    o.headers['client-request-id'] = crid ?? requestId;
    return { ...o, logRoute: '/$batch' };
  };
  const auth = req.headers.authorization;
  if (!auth || !/^bearer\s+\S/i.test(auth)) return fail(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  let app: AppIdentity;
  try {
    const claims = await core.tokens.verifyAccessToken(auth.replace(/^bearer\s+/i, '').trim());
    app = { clientId: claims.appid, roles: claims.roles ?? [] };
  } catch (e) {
    return fail(401, 'InvalidAuthenticationToken', (e as Error).message);
  }
  let payload: { requests?: BatchItem[] };
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return fail(400, 'BadRequest', 'Invalid batch payload format.');
  }
  const items = payload?.requests;
  if (!Array.isArray(items) || !items.length) return fail(400, 'BadRequest', 'Invalid batch payload format.');
  if (items.length > maxBatchRequests) return fail(400, 'BadRequest', `The number of batch requests exceeds the maximum of ${maxBatchRequests}.`);
  // Ids are "not case sensitive" (json-batching): 'A' and 'a' are the same id, and dependsOn names them either way.
  const ids = new Set<string>();
  for (const it of items) {
    if (!it || typeof it.id !== 'string' || !it.id || typeof it.method !== 'string' || typeof it.url !== 'string') return fail(400, 'BadRequest', 'Invalid batch payload format: each request needs an id, a method and a url.');
    if (it.dependsOn !== undefined && (!Array.isArray(it.dependsOn) || it.dependsOn.some((d) => typeof d !== 'string'))) return fail(400, 'BadRequest', `Request '${it.id}' has an invalid dependsOn: it must be an array of request ids.`);
    if (ids.has(it.id.toLowerCase())) return fail(400, 'BadRequest', `Batch request ids must be unique; '${it.id}' is repeated.`);
    ids.add(it.id.toLowerCase());
    if (it.body !== undefined && !Object.keys(it.headers ?? {}).some((h) => h.toLowerCase() === 'content-type')) return fail(400, 'BadRequest', `Request '${it.id}' has a body but no Content-Type header.`);
  }
  for (const it of items) for (const d of it.dependsOn ?? []) if (!ids.has(d.toLowerCase())) return fail(400, 'BadRequest', `Request '${it.id}' depends on '${d}', which is not in the batch.`);

  // dependency order (a cycle is a bad request)
  const order: BatchItem[] = [];
  const state = new Map<string, 0 | 1 | 2>();
  const byId = new Map(items.map((i) => [i.id.toLowerCase(), i]));
  const visit = (it: BatchItem): boolean => {
    const key = it.id.toLowerCase();
    const s = state.get(key);
    if (s === 2) return true;
    if (s === 1) return false;
    state.set(key, 1);
    for (const d of it.dependsOn ?? []) if (!visit(byId.get(d.toLowerCase())!)) return false;
    state.set(key, 2);
    order.push(it);
    return true;
  };
  for (const it of items) if (!visit(it)) return fail(400, 'BadRequest', 'The dependsOn graph of the batch has a cycle.');

  const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
  for (const it of order) {
    // A dependency that failed (any status ≥ 400, a throttled 429 included, or itself a 424) fails this one.
    const failedDep = (it.dependsOn ?? []).find((d) => (results.get(d.toLowerCase())?.status ?? 500) >= 400);
    if (failedDep !== undefined) {
      results.set(it.id.toLowerCase(), { id: it.id, status: 424, headers: { 'content-type': 'application/json' }, body: { error: { code: 'FailedDependency', message: `Dependency '${failedDep}' failed.` } } });
      continue;
    }
    results.set(it.id.toLowerCase(), await runItem(core, req, app, it));
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'request-id': requestId, 'client-request-id': crid ?? requestId, 'odata-version': '4.0' },
    body: { responses: items.map((i) => results.get(i.id.toLowerCase())) },
    logRoute: '/$batch',
    clientId: app.clientId,
  };
}

async function runItem(core: Core, req: IncomingMessage, app: AppIdentity, it: BatchItem) {
  const u = new URL(it.url.replace(/^\/?(v1\.0\/)?/, '/'), 'https://localhost');
  const path = u.pathname;
  const method = it.method.toUpperCase();
  if (/^\/\$batch$/i.test(path)) {
    return { id: it.id, status: 400, headers: { 'content-type': 'application/json' }, body: { error: { code: 'BadRequest', message: 'A batch request cannot contain another batch.' } } };
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(it.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let rawBody = Buffer.alloc(0);
  let body: unknown;
  if (it.body !== undefined) {
    if ((headers['content-type'] ?? '').includes('json')) {
      body = typeof it.body === 'string' ? JSON.parse(it.body) : it.body;
      rawBody = Buffer.from(JSON.stringify(body));
    } else rawBody = Buffer.from(String(it.body), 'utf8');
  }
  // a batch item has no connection of its own: only status and latency faults apply to it
  const fault = core.faults.pick(method, `/v1.0${path}`, ['429', '500', '503', '504', 'latency']);
  const started = performance.now();
  let out;
  if (fault && (injectedStatus(fault) || fault.kind === 'latency')) out = await dispatch(core, { method, path, urlPath: `/v1.0${path}`, query: u.searchParams, headers, rawBody, body, req, app, inBatch: true }, fault);
  else out = await dispatch(core, { method, path, urlPath: `/v1.0${path}`, query: u.searchParams, headers, rawBody, body, req, app, inBatch: true });
  core.requestLog.add({ at: core.clock.now().toISOString(), requestId: out.headers['request-id'] ?? '', method, path: `/v1.0${path}`, route: out.logRoute, status: out.status, mailbox: out.mailbox, clientId: app.clientId, ms: Math.round((performance.now() - started) * 100) / 100, fault: fault?.kind, batch: true });
  if (out.body instanceof Readable) {
    // a streamed `$value` inside a batch: the item carries it base64, so it is read whole here
    const parts: Buffer[] = [];
    for await (const c of out.body) parts.push(c as Buffer);
    out.body = Buffer.concat(parts);
    delete out.headers['content-length'];
  }
  let itemBody: unknown = out.body;
  const ct = out.headers['content-type'] ?? '';
  if (Buffer.isBuffer(out.body)) itemBody = ct.includes('json') ? JSON.parse(out.body.toString('utf8')) : out.body.toString('base64');
  const itemHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) {
    if (k === 'request-id' || k === 'client-request-id' || k === 'odata-version') continue;
    itemHeaders[k === 'content-type' ? 'Content-Type' : k === 'retry-after' ? 'Retry-After' : k === 'location' ? 'Location' : k] = v;
  }
  return { id: it.id, status: out.status, headers: itemHeaders, ...(itemBody !== undefined ? { body: itemBody } : {}) };
}
