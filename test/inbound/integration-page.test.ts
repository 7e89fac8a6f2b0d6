// The Integration › Inbound email page against the emulator: status and reasons, stop / start,
// a message that cannot be stored parked on "Needs attention" and replayed, and a Graph outage
// that leaves the cursor where it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { WebClient } from '../http/web-client.ts';
import { recordSchedulerTick } from '../helpers/scheduler.ts';
import { makeUser } from '../tasks/helpers.ts';
import { addTeamMember } from '../../src/app/users.ts';

let w: InboundWorld;
let app: FastifyInstance;
let c: WebClient;
beforeAll(async () => {
  w = await startInboundWorld();
  // ASB is a restricted group: an admin sees its parked mail and run errors only as a member of its team.
  const ada = await makeUser(w.t.ctx, 'ada', 'admin');
  const asbTeam = (await w.t.ctx.db.selectFrom('teams').select('id').where('code', '=', 'ASB_TEAM').executeTakeFirstOrThrow()).id;
  await addTeamMember(w.t.ctx, { username: 'test-setup' }, asbTeam, ada.id);
  app = await buildServer(w.t.ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  c = new WebClient(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
  expect((await c.signIn('ada', 'a long enough password')).status).toBe(303);
  await w.sync('ASB');
}, 60_000);
afterAll(async () => {
  await app?.close();
  await w?.stop();
});

describe('Integration › Inbound email', () => {
  it('shows each inbox polling, and the reason when polling is stopped', async () => {
    await recordSchedulerTick(w.t.ctx); // as the running job process does
    let html = await (await c.get('/integration/inboxes')).text();
    expect(html).toContain('Polling');
    expect(html).toContain('asb@housingorganisation.co.uk');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    expect((await c.postForm('/integration/inboxes/stop', { _csrf: csrf })).headers.get('location')).toBe('/integration/inboxes?done=stopped');
    html = await (await c.get('/integration/inboxes')).text();
    expect(html).toContain('Not polling');
    expect(html).toContain('Inbound polling is stopped');
    await c.postForm('/integration/inboxes/start', { _csrf: csrf });
    expect(await (await c.get('/integration/inboxes')).text()).not.toContain('Inbound polling is stopped');
  });

  it('parks a message that cannot be stored, shows it under Needs attention, and replays it', async () => {
    await w.mail({ from: 'r@example.org', to: demoMailboxes.asb, subject: 'Will not parse', text: 'x', attachments: [{ filename: 'a.pdf', content: Buffer.from('%PDF-1.4 x') }] });
    const broken = { ...w.graph.mail, listAttachments: async () => { throw new Error('simulated: attachment list unreadable'); } };
    const inbox = { code: 'ASB', mailbox: demoMailboxes.asb };
    const r = await syncInbox(w.t.ctx, inbox, { gateway: broken });
    expect(r).toMatchObject({ ok: true, imported: 0, parked: 1 });
    let html = await (await c.get('/integration/inboxes')).text();
    expect(html).toContain('Will not parse');
    expect(html).toContain('simulated: attachment list unreadable');
    const id = Number(/\/integration\/inboxes\/parked\/(\d+)\/replay/.exec(html)![1]);
    const source = await c.get(`/integration/inboxes/parked/${id}/source`);
    expect(source.headers.get('content-disposition')).toBe(`attachment; filename="parked-${id}.eml"`);
    expect(await source.text()).toContain('Subject: Will not parse');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    w.t.ctx.graph = w.graph;
    expect((await c.postForm(`/integration/inboxes/parked/${id}/replay`, { _csrf: csrf })).headers.get('location')).toBe('/integration/inboxes?done=replayed');
    const stored = await w.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', '=', 'Will not parse').execute();
    expect(stored).toHaveLength(1);
    html = await (await c.get('/integration/inboxes')).text();
    expect(html).toContain('Nothing: every email read so far was stored.');
  });

  it('fails a run while Graph is down without moving the cursor, and the next run imports once', async () => {
    await w.mail({ from: 'r@example.org', to: demoMailboxes.asb, subject: 'During an outage', text: 'x' });
    const fault = await w.admin('POST', '/faults', { routePattern: '/messages', kind: '503', retryAfter: 0 });
    expect(fault.status).toBe(201);
    const failed = await w.sync('ASB');
    expect(failed.ok).toBe(false);
    await w.admin('DELETE', '/faults');
    expect(await w.sync('ASB')).toMatchObject({ ok: true, imported: 1 });
    expect(await w.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', '=', 'During an outage').execute()).toHaveLength(1);
    expect(await (await c.get('/integration/inboxes')).text()).toMatch(/failed: transient|failed: throttled/);
  });
});
