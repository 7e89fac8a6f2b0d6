// Graph's 4-requests-per-mailbox limit across processes: two OS processes fire at one mailbox together
// while the emulator holds every request 150 ms and refuses a 5th concurrent one with 429. With the
// shared slots (graph_mailbox_slots) nothing is refused; with only the in-process limiter the two
// processes together exceed the limit — which shows the test can see a violation.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { createDispatcher } from '../../src/adapters/graph/index.ts';
import { demoMailboxes, demoSeed } from '../../src/adapters/graph/demo-tenant.ts';
import { createSlotDb, heldSlots } from '../../src/adapters/db/mailbox-slots.ts';
import { MailboxSlots } from '../../src/adapters/graph/mailbox-slots.ts';
import { createTestContext, type TestContext } from '../helpers/db.ts';

let t: TestContext;
let emulator: Emulator;
const mailbox = demoMailboxes.asb;

beforeAll(async () => {
  [t, emulator] = await Promise.all([createTestContext(), startEmulator({ seed: demoSeed(), quiet: true })]);
  const dispatcher = createDispatcher(emulator.caCertPem);
  const res = await fetch(`${emulator.adminUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ routePattern: '^GET /v1\\.0/users/[^/]+/messages', kind: 'latency', latencyMs: 150 }),
    dispatcher,
  });
  expect(res.status).toBe(201);
  await dispatcher?.close();
});
afterAll(async () => {
  await emulator?.stop();
  await t?.cleanup();
});

function startClient(slots: 'db' | 'local'): { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'slots-client.ts')], {
    env: { ...process.env, SLOTS: slots, DATABASE_URL: t.databaseUrl, EMU_TENANT: emulator.tenantId, EMU_ORIGIN: emulator.origin, EMU_GRAPH: emulator.graphBaseUrl, EMU_CA: emulator.caCertPem, MAILBOX: mailbox, REQUESTS: '12' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d) => process.stderr.write(d));
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
}

async function race(slots: 'db' | 'local'): Promise<number[]> {
  const clients = [startClient(slots), startClient(slots)];
  for (const c of clients) expect((await c.lines.next()).value).toBe('ready');
  for (const c of clients) c.child.stdin.write('go\n');
  const out: number[] = [];
  for (const c of clients) out.push(...JSON.parse((await c.lines.next()).value).statuses);
  return out;
}

describe('Graph concurrency per mailbox across processes', () => {
  it('keeps two processes together at 4 requests in flight per mailbox: no 429', async () => {
    const statuses = await race('db');
    expect(statuses).toHaveLength(24);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Every lease went back when the clients closed.
    const slotDb = createSlotDb(t.databaseUrl, 1);
    expect(await heldSlots(slotDb.db, mailbox)).toEqual([]);
    await slotDb.close();
  });

  it('without the shared slots, the same two processes exceed the limit and earn 429s', async () => {
    const statuses = await race('local');
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it('a slot held by a killed process comes back when its lease runs out', async () => {
    const a = createSlotDb(t.databaseUrl, 1);
    const dead = new MailboxSlots(a.db, { leaseMs: 1000, holder: 'killed' });
    // Take all four and never release (the process "dies": no heartbeat, no release).
    for (let i = 0; i < 4; i++) await dead.acquire('lease@test');
    const d = dead as unknown as { closed: boolean; heartbeat: NodeJS.Timeout };
    d.closed = true;
    clearInterval(d.heartbeat);
    const b = createSlotDb(t.databaseUrl, 1);
    const alive = new MailboxSlots(b.db, { leaseMs: 1000, holder: 'alive', pollMs: 100 });
    const release = await alive.acquire('lease@test');
    expect((await heldSlots(b.db, 'lease@test')).map((h) => h.holder)).toContain('alive');
    release();
    await alive.close();
    await a.close();
    await b.close();
  });
});
