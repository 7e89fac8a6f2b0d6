import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '../http/web-client.ts';
import { startTaskFixture, PASSWORD, type TaskFixture } from '../tasks/fixture.ts';
import { insertEmail, makeUser, system } from '../tasks/helpers.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addTeamMember } from '../../src/app/users.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';
import { replyToTask } from '../../src/app/tasks/reply-to-task.ts';
import { setTaskStatus } from '../../src/app/tasks/tasks.ts';
import { upsertParked } from '../../src/adapters/db/inbound-parked.ts';
import { finishRun, startRun, ensureInboxState } from '../../src/adapters/db/inbound-sync.ts';

// Issue 13 §2: a restricted job group's case is seen only by its teams' members — on every surface
// that shows task-derived content, not only the task pages. The fixture's ASB group is restricted to
// ASB_TEAM; "ada" is an admin outside it, "asb.admin" an admin inside it, "outsider" an officer in
// another team. Each surface is checked for the case's words: subject, sender, body.

let f: TaskFixture;
let asbTaskId: number;
let outboxId: string;
const SUBJECT = 'Knife threat at 12 Elm Row';
const SENDER = 'victim.elm@example.org';
const REPLY_TEXT = 'We have called the police about the knife';
const PARKED_SUBJECT = 'Safeguarding referral Elm Row';
const RUN_ERROR = 'could not store "Elm Row child at risk": attachment too large';

const clients = new Map<string, WebClient>();
async function as(username: string): Promise<WebClient> {
  const known = clients.get(username);
  if (known) return known;
  const c = new WebClient(f.baseUrl);
  expect((await c.signIn(username, PASSWORD)).status).toBe(303);
  clients.set(username, c);
  return c;
}
const text = async (c: WebClient, path: string) => {
  const res = await c.get(path);
  return { status: res.status, body: await res.text() };
};
const leaks = (body: string) => [SUBJECT, SENDER, REPLY_TEXT, PARKED_SUBJECT, 'Elm Row'].filter((w) => body.includes(w));

beforeAll(async () => {
  f = await startTaskFixture();
  const { ctx } = f.t;
  const asbAdmin = await makeUser(ctx, 'asb.admin', 'admin');
  await addTeamMember(ctx, system, f.asbTeam, asbAdmin.id);
  await addFrv(ctx, system, { domain: 'EXCHANGE_INBOX', code: 'ASB', description: 'ASB inbox' });
  await setParameter(ctx, system, 'INBOX_SERVER', 'housingorganisation.co.uk');

  const emailId = await insertEmail(ctx, 'ASB', SUBJECT);
  await ctx.db.updateTable('inbound_emails').set({ from_address: SENDER }).where('id', '=', emailId).execute();
  await runEventQuery(ctx, (await listEventQueries(ctx)).find((x) => x.name === 'Inbound emails')!.id);
  asbTaskId = (await ctx.db.selectFrom('tm_tasks').select('id').where('email_id', '=', emailId).executeTakeFirstOrThrow()).id;
  outboxId = (await replyToTask(ctx, f.asbOfficer, asbTaskId, { text: REPLY_TEXT })).outboxId;
  await setTaskStatus(ctx, f.asbOfficer, asbTaskId, 'pending');

  await upsertParked(ctx.db, { inbox: 'ASB', mailbox: 'asb@housingorganisation.co.uk', graphId: 'AAMk-parked-1', subject: PARKED_SUBJECT, reason: 'the message could not be read', raw: null, at: new Date() });
  await ctx.db.updateTable('inbound_parked').set({ raw_source: Buffer.from(`Subject: ${PARKED_SUBJECT}\r\n\r\nbody`) }).where('graph_id', '=', 'AAMk-parked-1').execute();
  await ensureInboxState(ctx.db, 'ASB', 'asb@housingorganisation.co.uk', new Date());
  const run = await startRun(ctx.db, 'ASB', new Date());
  await finishRun(ctx.db, run, 'ASB', { at: new Date(), ok: false, imported: 0, duplicates: 0, parked: 1, graphRequests: 3, fullResync: false, error: RUN_ERROR });
});
afterAll(async () => f?.close());

describe('the outbox', () => {
  it('shows the reply to a restricted case to no one outside its teams: page, detail, API list and API detail', async () => {
    for (const who of ['outsider', 'ada']) {
      const c = await as(who);
      const list = await text(c, '/outbox');
      expect(list.status).toBe(200);
      expect(leaks(list.body)).toEqual([]);
      expect(list.body).not.toContain(outboxId);
      expect((await c.get(`/outbox/${outboxId}`)).status).toBe(404);
      const api = await (await c.get('/api/v1/emails')).json();
      expect(api.map((e: { id: string }) => e.id)).not.toContain(outboxId);
      const one = await c.get(`/api/v1/emails/${outboxId}`);
      expect(one.status).toBe(404);
      expect(leaks(await one.text())).toEqual([]);
    }
    const token = await fetch(`${f.baseUrl}/api/v1/emails/${outboxId}`, { headers: { authorization: `Bearer ${f.adminToken}` } });
    expect(token.status).toBe(404);
  });

  it('shows it to the team\'s officer and to an admin in the team', async () => {
    for (const who of ['asb.officer', 'asb.admin']) {
      const c = await as(who);
      expect((await text(c, '/outbox')).body).toContain(SUBJECT);
      const detail = await text(c, `/outbox/${outboxId}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toContain(SENDER);
      expect(detail.body).toContain(REPLY_TEXT);
      const api = await (await c.get('/api/v1/emails')).json();
      expect(api.map((e: { id: string }) => e.id)).toContain(outboxId);
      expect((await (await c.get(`/api/v1/emails/${outboxId}`)).json()).text).toContain(REPLY_TEXT);
    }
  });
});

describe('the audit trail', () => {
  it('keeps a restricted case\'s events from an admin outside its teams: search page, API, CSV, and text search', async () => {
    const c = await as('ada');
    const page = await text(c, '/system-setup/audit?entityType=task');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(`Task ${asbTaskId} set to`);
    const api = await (await c.get('/api/v1/audit?entityType=task')).json();
    expect(api.events.filter((e: { entityId: string }) => e.entityId === String(asbTaskId))).toEqual([]);
    const csv = await text(c, '/system-setup/audit.csv?entityType=task');
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain(`Task ${asbTaskId} set to`);
    const q = await (await c.get(`/api/v1/audit?q=${encodeURIComponent(`Task ${asbTaskId}`)}`)).json();
    expect(q.events).toEqual([]);
  });

  it('shows them to an admin in the team', async () => {
    const c = await as('asb.admin');
    expect((await text(c, '/system-setup/audit?entityType=task')).body).toContain(`Task ${asbTaskId} set to pending`);
    const api = await (await c.get('/api/v1/audit?entityType=task')).json();
    expect(api.events.map((e: { entityId: string }) => e.entityId)).toContain(String(asbTaskId));
    expect((await text(c, '/system-setup/audit.csv?entityType=task')).body).toContain(`Task ${asbTaskId} set to pending`);
  });
});

describe('needs attention and the sync logs', () => {
  it('keeps a restricted inbox\'s parked mail and run errors from an admin outside its teams', async () => {
    const c = await as('ada');
    const parkedId = (await f.t.ctx.db.selectFrom('inbound_parked').select('id').executeTakeFirstOrThrow()).id;
    for (const path of ['/integration/inboxes', '/system-setup/integration/sync']) {
      const page = await text(c, path);
      expect(page.status).toBe(200);
      expect(leaks(page.body)).toEqual([]);
      expect(page.body).not.toContain('child at risk');
    }
    expect((await c.get(`/integration/inboxes/parked/${parkedId}/source`)).status).toBe(404);
    const csrf = await c.csrfFrom('/integration/inboxes');
    expect((await c.postForm(`/integration/inboxes/parked/${parkedId}/dismiss`, { _csrf: csrf })).status).toBe(404);
    expect((await f.t.ctx.db.selectFrom('inbound_parked').select('status').executeTakeFirstOrThrow()).status).toBe('parked');
  });

  it('shows them to an admin in the team', async () => {
    const c = await as('asb.admin');
    const parkedId = (await f.t.ctx.db.selectFrom('inbound_parked').select('id').executeTakeFirstOrThrow()).id;
    const inboxes = await text(c, '/integration/inboxes');
    expect(inboxes.body).toContain(PARKED_SUBJECT);
    expect(inboxes.body).toContain('child at risk');
    expect((await text(c, '/system-setup/integration/sync')).body).toContain(PARKED_SUBJECT);
    const raw = await text(c, `/integration/inboxes/parked/${parkedId}/source`);
    expect(raw.status).toBe(200);
    expect(raw.body).toContain(PARKED_SUBJECT);
  });
});
