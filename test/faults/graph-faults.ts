// Shared by the R2 fault suites (bench/README.md): the hostile-Graph client tuning, the fault mix of
// issue 8, and the count of faults that fired.
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { demoGraphSettings } from '../../src/adapters/graph/demo-tenant.ts';
import type { Emulator } from '../../emulator/src/index.ts';

type Admin = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** The client's time-out under faults: a `hang` costs this much, and `slow-accept` answers after it. */
export const HOSTILE_TIMEOUT_MS = 1500;

/**
 * A Graph client tuned for a hostile Graph: short time-out (hangs), quick backoff. `maxRetries`: the
 * transport's own retries; few of them leave more failures to the caller's outbox and its back-off.
 */
export function hostileGateway(emulator: Emulator, opts: { maxRetries?: number } = {}): ReturnType<typeof createGraphGateway> {
  return createGraphGateway(demoGraphSettings(emulator, { timeoutMs: HOSTILE_TIMEOUT_MS, baseBackoffMs: 10, maxBackoffMs: 100, maxRetries: opts.maxRetries ?? 8 }));
}

/**
 * Issue 8's mix on every Graph route — 10 % 429, 5 % 503, 2 % connection resets, 1 % hangs (the
 * emulator drops or holds the request before carrying it out) — and, on the `writes` (patterns for
 * the requests that create, change or send), the hard cases where Graph DID carry the request out and
 * the client never hears:
 *   - `accept-then-drop`: the work is done, then the connection is closed;
 *   - `slow-accept` (kind `latency` beyond the client's time-out): the client gives up, Graph finishes
 *     the request afterwards, possibly while the retry is under way.
 * Each hard case fires at 1 % and, so that a short run always meets them, on the first two requests
 * of each write pattern that no other fault took. The mix is registered per write pattern and once
 * for all other routes, so `firedFaults` tells what hit each.
 */
export async function injectGraphFaults(admin: Admin, writes: string[]): Promise<void> {
  const slow = { kind: 'latency', latencyMs: HOSTILE_TIMEOUT_MS * 2 };
  const others = `^(?!(?:${writes.join('|')}))(GET|POST|PATCH|DELETE) /v1\\.0/`;
  const mix = (routePattern: string) => [
    { routePattern, kind: '429', rate: 0.1, retryAfter: 0 },
    { routePattern, kind: '503', rate: 0.05 },
    { routePattern, kind: 'reset', rate: 0.02 },
    { routePattern, kind: 'hang', rate: 0.01 },
  ];
  const rules = [
    ...writes.flatMap((routePattern) => [{ routePattern, kind: 'accept-then-drop', rate: 0.01 }, { routePattern, ...slow, rate: 0.01 }, ...mix(routePattern)]),
    ...mix(others),
    // Placed last: they fire only when none of the above did.
    ...writes.flatMap((routePattern) => [{ routePattern, kind: 'accept-then-drop', count: 2 }, { routePattern, ...slow, count: 2 }]),
  ];
  for (const r of rules) {
    const res = await admin('POST', '/faults', r);
    if (res.status !== 201) throw new Error(`fault not accepted: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export interface FiredFaults {
  total: number;
  /** By kind (`latency` on writes is reported as `slow-accept`). */
  byKind: Record<string, number>;
  /** By route pattern: each write pattern, and the rest. */
  byRoute: Record<string, number>;
  /** On all the write patterns. */
  onWrites: number;
}

export async function firedFaults(admin: Admin, writes: string[]): Promise<FiredFaults> {
  const listed = (await admin('GET', '/faults')).body as { value?: FaultView[] } | FaultView[];
  const rules = Array.isArray(listed) ? listed : (listed.value ?? []);
  const out: FiredFaults = { total: 0, byKind: {}, byRoute: {}, onWrites: 0 };
  for (const r of rules) {
    const kind = r.kind === 'latency' ? 'slow-accept' : r.kind;
    out.total += r.fired;
    out.byKind[kind] = (out.byKind[kind] ?? 0) + r.fired;
    const route = writes.includes(r.routePattern) ? r.routePattern : 'other';
    out.byRoute[route] = (out.byRoute[route] ?? 0) + r.fired;
    if (route !== 'other') out.onWrites += r.fired;
  }
  return out;
}

interface FaultView {
  kind: string;
  routePattern: string;
  fired: number;
}

export const describeFaults = (f: FiredFaults) => Object.entries(f.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
