/**
 * Paged and delta reads, and `$batch`.
 * - nextLink / deltaLink: https://learn.microsoft.com/graph/delta-query-overview — the links are
 *   opaque absolute URLs; we hand them back as the cursor relative to the base URL (cursor-url.ts:
 *   a stored cursor must not name a host or port that can change) and follow them so.
 * - $batch: https://learn.microsoft.com/graph/json-batching — at most 20 requests; each answers
 *   with its own status, so throttled items (429 with Retry-After) are retried on their own.
 */
import type { DeltaPage } from '../../app/ports/graph.ts';
import type { GraphFailure } from '../../app/ports/graph-errors.ts';
import { cursorOf, requestPathOf } from './cursor-url.ts';
import { GraphPermanent, GraphThrottled, translateGraphError } from './errors.ts';
import type { GraphTransport } from './transport.ts';

export async function* deltaPages<I, O>(
  t: GraphTransport,
  mailbox: string,
  firstUrl: string,
  map: (item: I) => O,
  prefer: string[] = [],
): AsyncIterable<DeltaPage<O>> {
  // firstUrl is a path we built or a stored cursor (possibly an absolute one from before: see cursor-url.ts).
  let url = requestPathOf(t.baseUrl, firstUrl);
  for (;;) {
    const res = await t.json<{ value?: I[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string }>({ method: 'GET', path: url, mailbox, prefer });
    const changes = (res.body?.value ?? []).map(map);
    const next = res.body?.['@odata.nextLink'];
    const delta = res.body?.['@odata.deltaLink'];
    if (next) {
      yield { changes, cursor: cursorOf(t.baseUrl, next), complete: false };
      url = next; // within one run, followed as Graph gave it
    } else if (delta) {
      yield { changes, cursor: cursorOf(t.baseUrl, delta), complete: true };
      return;
    } else {
      throw new GraphPermanent('delta response had neither @odata.nextLink nor @odata.deltaLink', 'delta');
    }
  }
}

/** Every item of a plain collection, following @odata.nextLink. */
export async function* allPages<I>(t: GraphTransport, mailbox: string | undefined, firstUrl: string, prefer: string[] = []): AsyncIterable<I> {
  let url: string | undefined = firstUrl;
  while (url) {
    const res: { body: { value?: I[]; '@odata.nextLink'?: string } } = await t.json({ method: 'GET', path: url, mailbox, prefer });
    for (const item of res.body?.value ?? []) yield item;
    url = res.body?.['@odata.nextLink'];
  }
}

export interface BatchItem {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the version root, starting with `/` (e.g. `/users/x/messages/y`). */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each sub-response's body is the caller's to type
export type BatchResult = { ok: true; status: number; body: any } | { ok: false; error: GraphFailure };

export const maxBatchSize = 20;

/**
 * Runs any number of requests through `$batch`, 20 at a time. Items answered 429 (or 503/504 with
 * Retry-After) are sent again in a later batch after the longest Retry-After among them, up to
 * `maxRounds`; then they fail with GraphThrottled. Results come back in input order.
 */
export async function batch(
  t: GraphTransport,
  items: BatchItem[],
  opts: { mailbox?: string; maxRounds?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array(items.length);
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  let pending = items.map((_, i) => i);
  for (let round = 1; pending.length; round++) {
    const retry: number[] = [];
    let waitMs = 0;
    for (let start = 0; start < pending.length; start += maxBatchSize) {
      const chunk = pending.slice(start, start + maxBatchSize);
      const requests = chunk.map((i) => {
        const it = items[i];
        const headers: Record<string, string> = { ...it.headers };
        if (it.body !== undefined) headers['content-type'] ??= 'application/json';
        return { id: String(i), method: it.method, url: it.url, ...(it.body !== undefined ? { body: it.body } : {}), ...(Object.keys(headers).length ? { headers } : {}) };
      });
      // The batch itself is idempotent only if every item is (a POST inside may have been done).
      const idempotent = chunk.every((i) => items[i].method !== 'POST');
      const res = await t.json<{ responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[] }>({
        method: 'POST',
        path: '/$batch',
        mailbox: opts.mailbox,
        body: { requests },
        idempotent,
      });
      for (const r of res.body?.responses ?? []) {
        const i = Number(r.id);
        const h = new Map(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
        if (r.status < 400) {
          results[i] = { ok: true, status: r.status, body: r.body };
          continue;
        }
        const error = translateGraphError(r.status, r.body, { get: (n) => h.get(n.toLowerCase()) ?? null });
        if (error instanceof GraphThrottled && round < (opts.maxRounds ?? 5)) {
          t.stats.throttled++;
          retry.push(i);
          waitMs = Math.max(waitMs, error.retryAfterMs ?? 1000 * round);
        } else {
          results[i] = { ok: false, error };
        }
      }
      for (const i of chunk) {
        if (!results[i] && !retry.includes(i)) results[i] = { ok: false, error: new GraphPermanent(`$batch gave no response for item ${i}`, 'batch') };
      }
    }
    pending = retry;
    if (pending.length) {
      t.stats.retries += pending.length;
      await sleep(waitMs);
    }
  }
  return results;
}
