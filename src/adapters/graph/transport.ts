/**
 * The typed request layer under every Graph call: auth header, `Prefer: IdType="ImmutableId"`,
 * a fresh `client-request-id`, ≤ 4 in flight per mailbox, a time-out, Retry-After and backoff.
 *
 * Retry policy (https://learn.microsoft.com/graph/throttling, /graph/best-practices-concept):
 * - 429, and 503/504 carrying Retry-After: wait as told (seconds or HTTP date), any method — Graph
 *   did not carry the request out.
 * - other 5xx and network errors / time-outs: exponential backoff with full jitter, but only for
 *   idempotent requests. A POST that creates or sends may have been done; the caller (the outbox)
 *   resolves that with its marker lookup instead of blindly repeating it.
 * - 401 once: the token may have expired between cache check and use; refresh and repeat.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { fetch, type Dispatcher, type Response } from 'undici';
import { isGraphFailure, type GraphFailure } from '../../app/ports/graph-errors.ts';
import { GraphPermanent, GraphThrottled, GraphTransient, networkFailure, parseRetryAfter, translateGraphError } from './errors.ts';
import { KeyedLimiter } from './limiter.ts';
import type { MailboxLimiter } from './mailbox-slots.ts';

export interface TransportOptions {
  /** e.g. `https://graph.microsoft.com/v1.0` (no trailing slash). */
  baseUrl: string;
  /** Returns a bearer token; `force` skips the cache (after a 401). */
  token(force?: boolean): Promise<string>;
  dispatcher?: Dispatcher;
  perMailboxConcurrency?: number;
  /** Shared per-mailbox slots (MailboxSlots: across processes); default an in-process KeyedLimiter. */
  limiter?: MailboxLimiter;
  timeoutMs?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for in-process: GraphThrottled goes up to the caller. */
  maxRetryWaitMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { method: string; url: string; attempt: number; waitMs: number; reason: string }) => void;
  /** Every attempt's outcome (metrics): HTTP status, or 0 for a network error / time-out. */
  onResponse?: (info: { method: string; url: string; status: number; ms: number }) => void;
  /** Largest JSON answer read (default 64 MiB); a bigger one fails as GraphPermanent instead of filling memory. */
  maxResponseBytes?: number;
}

export interface GraphRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below the base URL (`/users/x/messages`), or an absolute URL (nextLink, upload URL). */
  path: string;
  /** The mailbox the request touches: the concurrency key. */
  mailbox?: string;
  /** JSON body (object), or raw bytes. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Defaults: GET/PUT/DELETE/PATCH true, POST false. */
  idempotent?: boolean;
  /** Pre-authenticated URLs (upload sessions) must not carry our bearer token. */
  anonymous?: boolean;
  /** Extra Prefer tokens, e.g. `odata.maxpagesize=50`. ImmutableId is always sent. */
  prefer?: string[];
  timeoutMs?: number;
  /** 4xx statuses handed back as answers instead of thrown (an upload session's 416 carries nextExpectedRanges). */
  acceptStatuses?: number[];
}

export interface GraphResponse<T = unknown> {
  status: number;
  headers: Headers | Response['headers'];
  body: T;
}

export interface TransportStats {
  requests: number;
  retries: number;
  throttled: number;
}

const defaults = { perMailboxConcurrency: 4, timeoutMs: 30_000, maxRetries: 5, maxRetryWaitMs: 120_000, baseBackoffMs: 400, maxBackoffMs: 30_000, maxResponseBytes: 64 * 1024 * 1024 };
/** Error bodies are a few hundred bytes; more is not an error body worth reading. */
const maxErrorBodyBytes = 64 * 1024;

export class GraphTransport {
  readonly stats: TransportStats = { requests: 0, retries: 0, throttled: 0 };
  readonly limiter: MailboxLimiter;
  private readonly o: Required<Omit<TransportOptions, 'dispatcher' | 'onRetry' | 'limiter' | 'onResponse'>> & Pick<TransportOptions, 'dispatcher' | 'onRetry' | 'onResponse'>;

  constructor(options: TransportOptions) {
    this.o = {
      ...defaults,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...stripUndefined(options),
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    } as GraphTransport['o'];
    this.limiter = options.limiter ?? new KeyedLimiter(this.o.perMailboxConcurrency);
  }

  get baseUrl(): string {
    return this.o.baseUrl;
  }

  /** Sends with retries; JSON-decodes the body (undefined for 202/204/empty). Throws GraphFailure. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a caller that names no type reads Graph's JSON loosely, as the SDK does
  async json<T = any>(req: GraphRequest): Promise<GraphResponse<T>> {
    const res = await this.send(req);
    const text = await readCapped(res, this.o.maxResponseBytes, `${req.method} ${redact(/^https?:\/\//i.test(req.path) ? req.path : `${this.o.baseUrl}${req.path}`)}`);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }

  /**
   * Sends with retries; returns the body as a stream (attachments, MIME), read as it arrives — never
   * buffered whole. The mailbox slot is held until it ends. A body cut off part-way (connection reset,
   * time-out) fails the stream with a retryable GraphTransient, like a request that got no answer: the
   * caller retries the whole read later instead of taking the bytes it got for a broken file.
   */
  async stream(req: GraphRequest): Promise<Readable> {
    const res = await this.send({ ...req, timeoutMs: req.timeoutMs ?? 10 * 60_000 }, true);
    if (!res.body) return Readable.from([]);
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    const what = `${req.method} ${redact(/^https?:\/\//i.test(req.path) ? req.path : `${this.o.baseUrl}${req.path}`)}`;
    const out = new PassThrough();
    body.on('error', (err) => out.destroy(isGraphFailure(err) ? err : networkFailure(err, `${what} (body cut off)`)));
    out.on('close', () => {
      if (!body.destroyed) body.destroy();
    });
    return body.pipe(out);
  }

  private async send(req: GraphRequest, streaming = false): Promise<Response> {
    const url = /^https?:\/\//i.test(req.path) ? req.path : `${this.o.baseUrl}${req.path.startsWith('/') ? '' : '/'}${req.path}`;
    const idempotent = req.idempotent ?? req.method !== 'POST';
    let attempt = 0;
    let refreshedToken = false;
    for (;;) {
      attempt++;
      let failure: GraphFailure;
      let waitMs: number | undefined;
      const release = await this.limiter.acquire(req.mailbox ?? '(tenant)');
      let keep = false;
      const startedAt = performance.now();
      try {
        const res = await this.attempt(url, req, refreshedToken);
        this.o.onResponse?.({ method: req.method, url, status: res.status, ms: performance.now() - startedAt });
        if (res.status < 400 || req.acceptStatuses?.includes(res.status)) {
          if (streaming && res.body) {
            // Hold the mailbox slot while the body streams; release when it ends or fails.
            keep = true;
            return releaseWhenDone(res, release);
          }
          return res;
        }
        const text = await readCapped(res, maxErrorBodyBytes, url, true).catch(() => '');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        failure = translateGraphError(res.status, body, res.headers);
        if (res.status === 401 && !req.anonymous && !refreshedToken) {
          refreshedToken = true;
          waitMs = 0;
        } else if (failure instanceof GraphThrottled) {
          this.stats.throttled++;
          waitMs = failure.retryAfterMs ?? this.backoff(attempt);
          if (waitMs > this.o.maxRetryWaitMs) waitMs = undefined;
        } else if (failure instanceof GraphTransient && idempotent) {
          waitMs = this.backoff(attempt);
        }
      } catch (err) {
        if ((err as GraphFailure)?.kind === 'auth_failed') throw err;
        this.o.onResponse?.({ method: req.method, url, status: 0, ms: performance.now() - startedAt });
        failure = networkFailure(err, `${req.method} ${redact(url)}`);
        if (idempotent) waitMs = this.backoff(attempt);
      } finally {
        if (!keep) release();
      }
      if (waitMs === undefined || attempt > this.o.maxRetries) throw failure;
      this.stats.retries++;
      this.o.onRetry?.({ method: req.method, url: redact(url), attempt, waitMs, reason: failure.message });
      await this.o.sleep(waitMs);
    }
  }

  private async attempt(url: string, req: GraphRequest, forceToken: boolean): Promise<Response> {
    this.stats.requests++;
    const headers: Record<string, string> = {
      'client-request-id': randomUUID(),
      prefer: ['IdType="ImmutableId"', ...(req.prefer ?? [])].join(', '),
      accept: 'application/json',
      ...req.headers,
    };
    if (!req.anonymous) headers.authorization = `Bearer ${await this.o.token(forceToken)}`;
    let body: string | Buffer | undefined;
    if (Buffer.isBuffer(req.body)) body = req.body;
    else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    return fetch(url, {
      method: req.method,
      headers,
      body,
      dispatcher: this.o.dispatcher,
      signal: AbortSignal.timeout(req.timeoutMs ?? this.o.timeoutMs),
    });
  }

  /** Exponential with "equal jitter": half the ceiling fixed, half random, so retries of many clients spread out (AWS blog, "Exponential Backoff And Jitter"). */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.o.random() * ceiling) / 2);
  }
}

/**
 * The body as text, at most `max` bytes: a bigger answer is cut off and fails (or, for error bodies,
 * `truncate`s) instead of being buffered whole — Graph's answers are small unless something is wrong.
 */
async function readCapped(res: Response, max: number, what: string, truncate = false): Promise<string> {
  if (!res.body) return '';
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (!truncate && declared > max) {
    await res.body.cancel().catch(() => {});
    throw new GraphPermanent(`${what}: the answer is ${declared} bytes, over the ${max}-byte cap`, 'responseTooLarge', res.status);
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) {
      if (truncate) {
        parts.push(Buffer.from(chunk.subarray(0, chunk.length - (size - max))));
        break;
      }
      throw new GraphPermanent(`${what}: the answer is over the ${max}-byte cap`, 'responseTooLarge', res.status);
    }
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts).toString('utf8');
}

function releaseWhenDone(res: Response, release: () => void): Response {
  const reader = res.body!;
  const passthrough = new TransformStream<Uint8Array, Uint8Array>({
    flush() {
      release();
    },
  });
  reader.pipeTo(passthrough.writable).catch(() => release());
  return new Proxy(res, { get: (t, p) => (p === 'body' ? passthrough.readable : Reflect.get(t, p)) }) as Response;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Upload URLs carry a pre-authentication token in the query string: never log it. */
export function redact(url: string): string {
  return url.replace(/([?&](?:authtoken|token|sig|\$skiptoken|\$deltatoken)=)[^&]+/gi, '$1…');
}

export { parseRetryAfter };
