// Change notifications end to end against the emulator: housing365 subscribes each inbox, the emulator
// validates the webhook and POSTs notifications to it over loopback, a notification becomes one delta
// run of that inbox (a burst of 100 is one run), forged ones are refused, and lifecycle events
// (subscriptionRemoved, missed, reauthorizationRequired) are followed up. No poll tick runs here
// (pg-boss schedules are off), so every import below was triggered by a notification.
import type { FastifyInstance } from 'fastify';
import PgBoss from 'pg-boss';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailboxes, startInboundWorld, type InboundWorld } from '../inbound/world.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { listSubscriptions, maintainSubscriptions } from '../../src/app/notifications/subscriptions.ts';
import { inboxPollJobs, INBOX_SYNC_QUEUE } from '../../src/transport/jobs/inbox-poll.ts';
import { subscriptionJobs } from '../../src/transport/jobs/subscriptions.ts';
import { addMailboxStats } from '../../src/adapters/db/subscriptions-stats.ts';
import { createUser } from '../../src/app/users.ts';
import { WebClient } from '../http/web-client.ts';
import { resync, type ResyncProgress } from '../../src/app/notifications/resync.ts';
import { progressLine } from '../../src/transport/cli/commands/resync.ts';
import { until } from '../helpers/until.ts';
import { recordSchedulerTick } from '../helpers/scheduler.ts';

let w: InboundWorld;
let boss: PgBoss;
let app: FastifyInstance;
let base: string;


const runs = async (inbox: string) => Number((await w.t.ctx.db.selectFrom('inbox_runs').select((eb) => eb.fn.countAll().as('n')).where('inbox', '=', inbox).executeTakeFirstOrThrow()).n);
const sub = async (target: string) => (await listSubscriptions(w.t.ctx)).find((s) => s.target === target)!;
const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  w = await startInboundWorld();
  await w.sync('ASB');
  await w.sync('COMPLAINTS');
  const ctx = w.t.ctx;
  boss = new PgBoss({ connectionString: w.t.databaseUrl, schema: 'pgboss', max: 3, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  ctx.boss = boss;
  app = await buildServer(ctx);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${new URL(address).port}`;
  ctx.config.publicBaseUrl = base;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await boss?.stop({ graceful: false, close: true });
  await w?.stop();
});

describe('change notifications', () => {
  it('subscribes every active inbox through the validation handshake', async () => {
    const r = await maintainSubscriptions(w.t.ctx);
    expect(r).toMatchObject({ created: 2, failed: 0 });
    const mine = await listSubscriptions(w.t.ctx);
    expect(mine.map((s) => [s.kind, s.target, s.status])).toEqual([['inbox', 'ASB', 'active'], ['inbox', 'COMPLAINTS', 'active']]);
    const graphs = (await w.admin('GET', '/subscriptions')).body.value as { id: string; notificationUrl: string; resource: string }[];
    expect(graphs.map((g) => g.id).sort()).toEqual(mine.map((s) => s.subscriptionId).sort());
    expect(graphs.every((g) => g.notificationUrl === `${base}/webhooks/graph`)).toBe(true);
    // Nothing to renew a minute later.
    expect(await maintainSubscriptions(w.t.ctx)).toMatchObject({ created: 0, renewed: 0 });
  });

  it('refuses a notification whose clientState does not match, and one for an unknown subscription', async () => {
    const asb = await sub('ASB');
    const forged = await post('/webhooks/graph', { value: [{ subscriptionId: asb.subscriptionId, clientState: 'guessed', changeType: 'created', resource: 'x' }] });
    expect(forged.status).toBe(401);
    const unknown = await post('/webhooks/graph', { value: [{ subscriptionId: 'not-ours', clientState: asb.clientState, changeType: 'created' }] });
    expect(unknown.status).toBe(401);
    expect((await sub('ASB')).rejected).toBe(1);
    expect(await boss.getQueueSize(INBOX_SYNC_QUEUE).catch(() => 0)).toBe(0);
  });

  it('turns a burst of 100 notifications into one delta run', async () => {
    const asb = await sub('ASB');
    const before = await runs('ASB');
    for (let i = 0; i < 100; i++) {
      const res = await post('/webhooks/graph', { value: [{ subscriptionId: asb.subscriptionId, clientState: asb.clientState, changeType: 'created', resource: `Users/x/Messages/${i}` }] });
      expect(res.status).toBe(202);
    }
    expect(await boss.getQueueSize(INBOX_SYNC_QUEUE)).toBe(1);
    expect((await sub('ASB')).notifications).toBe(100);
    // Now the workers: the one queued run happens, and no other.
    await inboxPollJobs.register(boss, w.t.ctx);
    await subscriptionJobs.register(boss, w.t.ctx);
    await until(async () => (await runs('ASB')) > before && (await boss.getQueueSize(INBOX_SYNC_QUEUE)) === 0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await runs('ASB')).toBe(before + 1);
  });

  it('imports an email within seconds of its arrival, triggered by the emulator\'s notification', async () => {
    await w.admin('POST', `/users/${demoMailboxes.asb}/messages`, { subject: 'Notified, not polled', body: { contentType: 'text', content: 'hi' }, from: { emailAddress: { address: 'tenant@example.org' } } });
    const row = await until(() => w.t.ctx.db.selectFrom('inbound_emails').select(['id', 'inbox']).where('subject', '=', 'Notified, not polled').executeTakeFirst());
    expect(row.inbox).toBe('ASB');
    const deliveries = (await w.admin('GET', '/subscriptions/deliveries')).body.value as { kind?: string; status?: number }[];
    expect(deliveries.some((d) => d.status === 202)).toBe(true);
  });

  it('re-creates a subscription Graph removed, and runs a delta after it', async () => {
    const old = await sub('COMPLAINTS');
    const before = await runs('COMPLAINTS');
    expect((await w.admin('POST', `/subscriptions/${old.subscriptionId}/lifecycle`, { event: 'subscriptionRemoved' })).status).toBe(202);
    const fresh = await until(async () => {
      const s = await sub('COMPLAINTS');
      return s.status === 'active' && s.subscriptionId !== old.subscriptionId && s;
    });
    expect(fresh.clientState).not.toBe(old.clientState);
    expect(fresh.lastLifecycleEvent).toBe('subscriptionRemoved');
    await until(async () => (await runs('COMPLAINTS')) > before);
    const graphs = (await w.admin('GET', '/subscriptions')).body.value as { id: string }[];
    expect(graphs.map((g) => g.id)).toContain(fresh.subscriptionId);
    expect(graphs.map((g) => g.id)).not.toContain(old.subscriptionId);
  });

  it('runs a delta after missed notifications', async () => {
    const asb = await sub('ASB');
    const before = await runs('ASB');
    expect((await w.admin('POST', `/subscriptions/${asb.subscriptionId}/lifecycle`, { event: 'missed' })).status).toBe(202);
    await until(async () => (await runs('ASB')) > before);
    expect((await sub('ASB')).lastLifecycleEvent).toBe('missed');
  });

  it('reauthorizes when Graph asks, and notifications flow again', async () => {
    const asb = await sub('ASB');
    expect((await w.admin('POST', `/subscriptions/${asb.subscriptionId}/lifecycle`, { event: 'reauthorizationRequired', pause: true })).status).toBe(202);
    await until(async () => {
      const graphs = (await w.admin('GET', '/subscriptions')).body.value as { id: string; reauthorizationRequired: boolean }[];
      return graphs.find((g) => g.id === asb.subscriptionId)?.reauthorizationRequired === false;
    });
    await w.admin('POST', `/users/${demoMailboxes.asb}/messages`, { subject: 'After reauthorization', body: { contentType: 'text', content: 'hi' }, from: { emailAddress: { address: 'tenant@example.org' } } });
    await until(() => w.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', '=', 'After reauthorization').executeTakeFirst());
  });

  it('shows each inbox\'s sync state, subscription and activity on the Sync health page, and 429s as throttled', async () => {
    await createUser(w.t.ctx, { username: 'setup' }, { username: 'ada', displayName: 'Ada Admin', role: 'admin', password: 'admin password for tests' });
    const web = new WebClient(base);
    await web.signIn('ada', 'admin password for tests');
    await recordSchedulerTick(w.t.ctx); // as the running job process does
    let html = await (await web.get('/system-setup/integration/sync')).text();
    expect(html).toContain('Sync health');
    expect(html).toMatch(/ASB[\s\S]*healthy[\s\S]*active, expires/);
    expect(html).toContain(`on: Graph notifies ${base}/webhooks/graph`);
    expect(html).toContain('<svg');
    // Another worker saw a 429 for the ASB mailbox a moment ago.
    await addMailboxStats(w.t.ctx.db, [{ mailbox: demoMailboxes.asb, requests: 5, throttled: 1, failed: 0, lastThrottledAt: new Date() }]);
    html = await (await web.get('/system-setup/integration/sync')).text();
    expect(html).toMatch(/ASB[\s\S]*?throttled[\s\S]*?COMPLAINTS/);
    // Reached from System Setup › Microsoft 365.
    expect(await (await web.get('/system-setup/integration')).text()).toContain('href="/system-setup/integration/sync"');
  });

  it('publishes webhook and sync figures on /metrics', async () => {
    w.t.ctx.config.metricsToken = 'scrape-token-for-the-notifications-test';
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-token-for-the-notifications-test' } })).text();
    expect(text).toMatch(/housing365_webhook_notifications_total\{[^}]*outcome="accepted"[^}]*\} \d+/);
    expect(text).toContain('housing365_webhook_duration_seconds_bucket');
  });

  it('resyncs an inbox from scratch without importing anything twice, reporting progress', async () => {
    for (const n of [1, 2, 3]) await w.admin('POST', `/users/${demoMailboxes.asb}/messages`, { subject: `Resync ${n}`, body: { contentType: 'text', content: 'hi' }, from: { emailAddress: { address: 'tenant@example.org' } } });
    await until(async () => (await w.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', 'like', 'Resync %').execute()).length === 3);
    const seen: ResyncProgress[] = [];
    const r = await resync(w.t.ctx, { inbox: 'asb' }, (p) => seen.push(p), 20);
    expect(r.ok).toBe(true);
    expect(r.summary).toMatch(/^ASB: 0 imported, \d+ already stored/);
    expect(Number(/(\d+) already stored/.exec(r.summary)![1])).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)!.requests).toBeGreaterThan(0);
    expect(seen.at(-1)!.items).toBe(0);
    expect((await w.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', 'like', 'Resync %').execute()).length).toBe(3);
    expect(progressLine({ requests: 4, items: 25, elapsedMs: 1500 }, 0)).toBe('⠋ [██████████░░░░░░░░░░] 25 item(s), 4 Graph request(s), 1.5 s');
  });
});
