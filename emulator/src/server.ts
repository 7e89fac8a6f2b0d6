/**
 * The HTTPS edge: reads bodies (with Graph's 4 MB request cap), applies socket-level faults,
 * and sends each path to identity, admin, `$batch` or the Graph dispatcher.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Core } from './core.ts';
import { dispatch, errorOutput, jsonContentType, type DispatchOutput } from './dispatch.ts';
import type { FaultRule } from './faults.ts';
import { newGuid } from './ids.ts';
import { handleAdmin } from './admin/routes.ts';
import { handleBatch } from './batch.ts';

/** Graph refuses request bodies over 4 MB (sendMail, attachments, $batch). */
export const maxRequestBytes = 4 * 1024 * 1024;
const uploadChunkSlack = 64 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > limit) {
      req.resume();
      resolve('tooLarge');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'tooLarge' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || addr.startsWith('127.'));
}

export function send(res: ServerResponse, out: DispatchOutput, cutHalfway = false): void {
  if (cutHalfway) return sendCut(res, out);
  if (out.body instanceof Readable) {
    // a streamed body (attachment `$value` from disk): the route gives content-length; backpressure by pipe
    const stream = out.body;
    res.writeHead(out.status, { ...out.headers });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
    return;
  }
  let payload: Buffer | undefined;
  if (out.body === undefined || out.body === null) payload = undefined;
  else if (Buffer.isBuffer(out.body)) payload = out.body;
  else if (typeof out.body === 'string') payload = Buffer.from(out.body, 'utf8');
  else payload = Buffer.from(JSON.stringify(out.body), 'utf8');
  const headers: Record<string, string | number> = { ...out.headers };
  headers['content-length'] = payload?.length ?? 0;
  res.writeHead(out.status, headers);
  res.end(payload);
}

/** `cut-body` fault: the status, the headers (full Content-Length) and half the body, then the connection closes. */
function sendCut(res: ServerResponse, out: DispatchOutput): void {
  let source: Readable;
  let total: number;
  if (out.body instanceof Readable) {
    source = out.body;
    total = Number(out.headers['content-length'] ?? 0);
  } else {
    const payload = Buffer.isBuffer(out.body) ? out.body : Buffer.from(typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? ''), 'utf8');
    source = Readable.from([payload]);
    total = payload.length;
  }
  const half = Math.floor(total / 2);
  res.writeHead(out.status, { ...out.headers, 'content-length': total });
  let sent = 0;
  source.on('data', (c: Buffer) => {
    const take = c.subarray(0, Math.max(0, half - sent));
    sent += take.length;
    if (take.length) res.write(take);
    if (sent >= half) {
      source.destroy();
      // let the half that was written reach the client, then drop the connection mid-body
      res.socket?.end(() => res.socket?.destroy());
      setTimeout(() => res.socket?.destroy(), 200).unref();
    }
  });
  source.on('error', () => res.destroy());
}

export interface ServerHandle {
  server: https.Server;
  /** Sockets held open by `hang` faults (destroyed on stop). */
  hung: Set<Socket>;
}

export function createServer(getCore: () => Core, tls: { certPem: string; keyPem: string }): ServerHandle {
  const hung = new Set<Socket>();
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem, keepAlive: true }, (req, res) => {
    const core = getCore();
    handle(core, req, res, hung).catch((e) => {
      core.log(`request failed: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) {
        try {
          send(res, errorOutput(core, 500, 'generalException', 'An internal server error occurred.', newGuid(), undefined));
        } catch {
          res.destroy();
        }
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  return { server, hung };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function handle(core: Core, req: IncomingMessage, res: ServerResponse, hung: Set<Socket>): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'https://localhost');
  const pathname = url.pathname;
  const method = (req.method ?? 'GET').toUpperCase();

  if (pathname === '/_emulator' || pathname.startsWith('/_emulator/')) {
    if (!isLoopback(req.socket.remoteAddress)) {
      send(res, { status: 403, headers: { 'content-type': 'application/json' }, body: { error: { code: 'Forbidden', message: 'The admin API only answers loopback clients.' } } });
      return;
    }
    const sub = pathname.slice('/_emulator'.length) || '/';
    const route = core.registry.admin.match(method, sub);
    // streamed admin uploads read the request themselves
    const body = route && route !== 'methodMismatch' && route.def.streamBody ? Buffer.alloc(0) : await readBody(req, 64 * 1024 * 1024);
    if (body === 'tooLarge') return send(res, { status: 413, headers: {}, body: undefined });
    send(res, await handleAdmin(core, req, method, sub, url.searchParams, body));
    return;
  }

  const isGraph = pathname === '/v1.0' || pathname.startsWith('/v1.0/');
  const isUpload = pathname.startsWith('/_uploads/');

  // Faults apply to everything but the admin API (so token failures can be injected too).
  const fault = core.faults.pick(method, pathname);
  if (fault && !(fault.kind === 'latency' && (isGraph || isUpload))) {
    const socketLevel = await socketFault(fault, req, res, hung);
    if (socketLevel === 'done') {
      core.requestLog.add({ at: core.clock.now().toISOString(), requestId: '', method, path: pathname, status: 0, ms: performance.now() - started, fault: fault.kind });
      return;
    }
  }

  const limit = isUpload ? maxRequestBytes + uploadChunkSlack : isGraph ? maxRequestBytes : 1024 * 1024;
  const body = await readBody(req, limit);
  const clientRequestId = typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
  let out: DispatchOutput & { logRoute?: string; mailbox?: string; clientId?: string };

  if (body === 'tooLarge') {
    const rid = newGuid();
    out = errorOutput(core, 413, 'RequestEntityTooLarge', `The request payload is too large. The maximum request size is ${maxRequestBytes} bytes; use an upload session for large attachments.`, rid, clientRequestId, { connection: 'close', 'request-id': rid, 'client-request-id': clientRequestId ?? rid });
  } else if (isGraph || isUpload) {
    // status faults answer instead of the handler; latency holds the mailbox's concurrency slot
    const statusFault = fault && ['429', '500', '503', '504', 'latency'].includes(fault.kind) ? fault : undefined;
    const path = isGraph ? pathname.slice('/v1.0'.length) || '/' : pathname;
    if (isGraph && /^\/\$batch$/i.test(path) && method === 'POST' && (!statusFault || statusFault.kind === 'latency')) {
      if (statusFault) await sleep(statusFault.latencyMs ?? 1000);
      out = await handleBatch(core, req, body);
    } else {
      out = await dispatch(core, { method, path, urlPath: pathname, query: url.searchParams, headers: req.headers, rawBody: body, req }, statusFault);
    }
  } else {
    const r = await core.identity.handle(method, pathname, url.searchParams, body, req.headers);
    if (r && fault && ['429', '500', '503', '504'].includes(fault.kind)) {
      out = { status: Number(fault.kind), headers: { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) }, body: { error: 'temporarily_unavailable', error_description: `AADSTS50196: injected fault ${fault.kind}` } };
    } else if (r) {
      // the identity platform names its requests too (msal logs them)
      const rid = newGuid();
      out = { status: r.status, headers: { ...(r.headers ?? {}), 'x-ms-request-id': rid, ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}) }, body: r.body };
    } else {
      out = { status: 404, headers: { 'content-type': jsonContentType }, body: { error: { code: 'NotFound', message: `No route for ${method} ${pathname}` } } };
    }
  }

  core.requestLog.add({
    at: core.clock.now().toISOString(),
    requestId: out.headers['request-id'] ?? '',
    method,
    path: pathname,
    route: out.logRoute,
    status: out.status,
    mailbox: out.mailbox,
    clientId: out.clientId,
    ms: Math.round((performance.now() - started) * 100) / 100,
    fault: fault?.kind,
  });

  if (fault?.kind === 'accept-then-drop') {
    // The work is done (state changed); the client never hears about it.
    if (out.body instanceof Readable) out.body.destroy();
    req.socket.destroy();
    return;
  }
  send(res, out, fault?.kind === 'cut-body');
}

/** Applies socket-level fault kinds. 'done' = the request is finished (no answer to send). */
async function socketFault(f: FaultRule, req: IncomingMessage, res: ServerResponse, hung: Set<Socket>): Promise<'done' | 'continue'> {
  switch (f.kind) {
    case 'reset':
      // TLS sockets cannot send a TCP RST from JS: closing abruptly is what the client sees
      req.socket.destroy();
      return 'done';
    case 'hang': {
      const s = req.socket;
      hung.add(s);
      s.once('close', () => hung.delete(s));
      req.resume();
      return 'done';
    }
    case 'latency':
      await sleep(f.latencyMs ?? 1000);
      return 'continue';
    default:
      void res;
      return 'continue';
  }
}
