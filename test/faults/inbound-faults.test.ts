// Short forms of the fault suites R2 and R3 (bench/README.md), inside `npm test`, on inbound email:
// R2 — Graph answering 10 % 429, 5 % 503, 2 % connection resets and 1 % hangs: every email is
//      imported and raised as a task exactly once;
// R3 — the delta cursor expiring in the middle of a run (410 SyncStateNotFound): a full resync
//      reconciled by id, with no duplicates.
// Counts are small (200 + 150 emails); no timing is asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { demoMailboxes, startInboundWorld, type InboundWorld } from '../inbound/world.ts';
import { hostileGateway } from './graph-faults.ts';
import { syncInbox, type InboxRunResult } from '../../src/app/inbound/sync-inbox.ts';
import { configuredInboxes } from '../../src/app/inbound/poll-inboxes.ts';

// `npm run soak` (SOAK=1) runs the full size of bench/README.md: 2,000 emails each.
const N = process.env.SOAK ? 2000 : 200;
const M = process.env.SOAK ? 2000 : 150;
const LONG = process.env.SOAK ? 2 * 60 * 60_000 : 180_000;
let w: InboundWorld;
let graph: ReturnType<typeof hostileGateway>;

beforeAll(async () => {
  w = await startInboundWorld();
  await w.sync('ASB');
  graph = hostileGateway(w.emulator); // short time-out (hangs), quick backoff, more retries
}, 120_000);
afterAll(async () => {
  await graph?.close();
  await w?.stop();
});

async function syncAsb(pageSize = 25): Promise<InboxRunResult> {
  const inbox = (await configuredInboxes(w.t.ctx)).inboxes.find((i) => i.code === 'ASB')!;
  return syncInbox(w.t.ctx, inbox, { gateway: graph.mail, requestCount: () => graph.stats.requests, pageSize });
}

async function stored(prefix: string): Promise<{ rows: number; distinct: number }> {
  const r = await sql<{ rows: number; distinct: number }>`
    SELECT count(*)::int AS rows, count(DISTINCT internet_message_id)::int AS distinct FROM inbound_emails WHERE subject LIKE ${`${prefix} %`}`.execute(w.t.ctx.db);
  return r.rows[0];
}

async function deliver(count: number, subjectPrefix: string): Promise<void> {
  const res = await w.admin('POST', `/users/${demoMailboxes.asb}/messages/bulk`, { count, subjectPrefix, startDateTime: new Date(Date.now() + 1000).toISOString() });
  expect(res.status).toBe(201);
}

describe('R2: inbound email under Graph faults', () => {
  it('imports every email exactly once and raises exactly one task each', async () => {
    await deliver(N, 'Fault');
    const graphRoutes = '^(GET|POST|PATCH|DELETE) /v1\\.0/';
    for (const f of [
      { kind: '429', rate: 0.1, retryAfter: 0 },
      { kind: '503', rate: 0.05 },
      { kind: 'reset', rate: 0.02 },
      { kind: 'hang', rate: 0.01 },
    ]) expect((await w.admin('POST', '/faults', { routePattern: graphRoutes, ...f })).status).toBe(201);
    const results: InboxRunResult[] = [];
    for (let i = 0; i < 40 && (await stored('Fault')).rows < N; i++) results.push(await syncAsb());
    const listed = (await w.admin('GET', '/faults')).body as { value?: { fired: number }[] } | { fired: number }[];
    const fired = (Array.isArray(listed) ? listed : listed.value ?? []).reduce((n, f) => n + f.fired, 0);
    await w.admin('DELETE', '/faults');
    // Whatever the faults interrupted, a later run finishes it.
    results.push(await syncAsb());
    const got = await stored('Fault');
    const raised = await w.raiseEvents();
    console.log(
      `R2 inbound: ${N} emails, ${results.length} runs (${results.filter((r) => !r.ok).length} ended early by faults), faults fired ${fired}; ` +
        `stored ${got.rows} (${got.rows - got.distinct} duplicates, ${N - got.distinct} missing), tasks ${raised.tasks}`,
    );
    expect(fired).toBeGreaterThan(0);
    expect(got).toEqual({ rows: N, distinct: N });
    expect(raised).toMatchObject({ ok: true, tasks: N });
    expect(await w.raiseEvents()).toMatchObject({ events: 0 });
  }, LONG);
});

describe('R3: delta cursor expiry in the middle of a run', () => {
  it('resyncs in full, reconciled by id: no email twice', async () => {
    await deliver(M, 'Expiry');
    await w.admin('POST', '/faults', { routePattern: 'delta', kind: 'latency', latencyMs: 40 });
    const run = syncAsb(10);
    // Once the first pages are committed, Graph forgets the sync state.
    const end = Date.now() + 30_000;
    while ((await stored('Expiry')).rows === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect((await w.admin('POST', '/delta/expire', { user: demoMailboxes.asb })).status).toBeLessThan(300);
    const first = await run;
    await w.admin('DELETE', '/faults');
    const second = await syncAsb();
    const got = await stored('Expiry');
    const raised = await w.raiseEvents();
    console.log(`R3 cursor expiry: ${M} emails, full resync ${first.fullResync || second.fullResync ? 'yes' : 'no'}; stored ${got.rows} (${got.rows - got.distinct} duplicates, ${M - got.distinct} missing), tasks ${raised.tasks}`);
    expect(first.fullResync || second.fullResync).toBe(true);
    expect(got).toEqual({ rows: M, distinct: M });
    expect(raised).toMatchObject({ ok: true, tasks: M });
  }, LONG);
});
