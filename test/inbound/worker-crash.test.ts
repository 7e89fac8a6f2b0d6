// kill -9 of an inbox sync in the middle of a run: the next run loses nothing and duplicates nothing.
// The sync runs in a separate process, slowed by Graph latency so the kill lands mid-way.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { demoApp } from '../../src/adapters/graph/demo-tenant.ts';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';

let w: InboundWorld;
beforeAll(async () => {
  w = await startInboundWorld();
  await w.sync('COMPLAINTS'); // enable the inbox
}, 60_000);
afterAll(async () => w?.stop());

function startWorker(): ChildProcess {
  const e = w.emulator;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/inbound/sync-worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: w.t.databaseUrl,
      W_TENANT: e.tenantId,
      W_CLIENT_ID: demoApp.clientId,
      W_CLIENT_SECRET: demoApp.clientSecret,
      W_AUTHORITY_HOST: e.origin,
      W_GRAPH_BASE: e.graphBaseUrl,
      W_CA_PEM: e.caCertPem,
      W_DATA_DIR: w.t.ctx.config.dataDir,
      W_INBOX: 'COMPLAINTS',
      W_MAILBOX: demoMailboxes.complaints,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(d));
  return child;
}

const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_emails WHERE inbox = 'COMPLAINTS'`.execute(w.t.ctx.db)).rows[0].n;

describe('inbox sync killed mid-run', () => {
  it('kill -9 after some pages: the next run stores the rest, each email exactly once', async () => {
    const total = 60;
    const start = new Date(Date.now() + 60_000).toISOString();
    expect((await w.admin('POST', `/users/${demoMailboxes.complaints}/messages/bulk`, { count: total, startDateTime: start })).status).toBe(201);
    // Slow every message read so a page of 10 takes a while.
    await w.admin('POST', '/faults', { kind: 'latency', latencyMs: 150, routePattern: '/messages/[^/]+$' });
    const child = startWorker();
    try {
      const end = Date.now() + 60_000;
      while ((await count()) < 10 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(await count()).toBeGreaterThanOrEqual(10);
      expect(await count()).toBeLessThan(total);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    await w.admin('DELETE', '/faults');
    const r = await w.sync('COMPLAINTS');
    expect(r.ok).toBe(true);
    expect(r.skipped).toBeUndefined(); // the dead process's advisory lock went with its connection
    const rows = await w.t.ctx.db.selectFrom('inbound_emails').select(['graph_id', 'subject']).where('inbox', '=', 'COMPLAINTS').execute();
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((x) => x.graph_id)).size).toBe(total);
    expect(new Set(rows.map((x) => x.subject)).size).toBe(total);
    const events = await w.raiseEvents();
    expect(events).toMatchObject({ ok: true, tasks: total });
  }, 120_000);
});
