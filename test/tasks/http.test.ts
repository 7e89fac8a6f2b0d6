import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '../http/web-client.ts';
import { startTaskFixture, PASSWORD, type TaskFixture } from './fixture.ts';
import { blobStoreOf, loadInboundPolicy } from '../../src/app/inbound/policy.ts';
import { prepareEmail, storePreparedEmail, type FetchedAttachment } from '../../src/app/inbound/store-email.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';
import { SqlSandbox } from '../../src/adapters/db/sql-sandbox.ts';
import type { InboxMessage } from '../../src/app/ports/graph.ts';

let f: TaskFixture;
let asbTaskId: number;
let cmpTaskId: number;
let pdfAttachmentId: number;

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 0x41)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

async function deliver(code: string, subject: string, html: string, atts: Array<[string, Buffer]> = []): Promise<number> {
  const ctx = f.t.ctx;
  const msg: InboxMessage = {
    id: `id-${subject}`, internetMessageId: `<${Math.random()}@resident.example>`, subject, from: { address: 'resident@example.org', name: 'Resident' },
    to: [{ address: `${code.toLowerCase()}@housingorganisation.co.uk` }], cc: [], replyTo: [], receivedAt: new Date(), body: { kind: 'html', content: html },
    hasAttachments: atts.length > 0, isRead: false, isDraft: false, importance: 'normal', categories: [], folderId: 'inbox', headers: [],
  };
  const files: FetchedAttachment[] = atts.map(([name, bytes]) => ({ info: { id: name, name, contentType: 'application/octet-stream', size: bytes.length, isInline: false, kind: 'file' }, open: async () => Readable.from([bytes]) }));
  const p = await prepareEmail({ code, mailbox: `${code.toLowerCase()}@housingorganisation.co.uk` }, msg, files, { blobs: blobStoreOf(ctx), policy: await loadInboundPolicy(ctx) });
  const r = await ctx.db.transaction().execute((trx) => storePreparedEmail(trx, p, new Date()));
  if (!r.stored) throw new Error('not stored');
  const q = (await listEventQueries(ctx)).find((x) => x.name === 'Inbound emails')!;
  await runEventQuery(ctx, q.id);
  return (await ctx.db.selectFrom('tm_tasks').select('id').where('email_id', '=', r.id).executeTakeFirstOrThrow()).id;
}

async function signedIn(username: string): Promise<WebClient> {
  const c = new WebClient(f.baseUrl);
  const res = await c.signIn(username, PASSWORD);
  expect(res.status).toBe(303);
  return c;
}

beforeAll(async () => {
  f = await startTaskFixture();
  asbTaskId = await deliver('ASB', 'Threats from neighbour', '<p>They shouted <script>window.parent.hacked=1</script><img src="https://tracker.example/p.gif" onerror="alert(1)"> at me</p>', [['statement.pdf', PDF], ['photo.pdf', EXE]]);
  cmpTaskId = await deliver('COMPLAINTS', 'Bins not collected', '<p>Third week running</p>');
  pdfAttachmentId = (await f.t.ctx.db.selectFrom('inbound_attachments').select('id').where('name', '=', 'statement.pdf').executeTakeFirstOrThrow()).id;
});
afterAll(async () => f?.close());

describe('Task Manager over HTTP', () => {
  it('gives an officer outside the team 404 on the API and the page, and an empty list', async () => {
    const c = await signedIn('outsider');
    for (const id of [asbTaskId, cmpTaskId]) {
      const api = await c.get(`/api/v1/tasks/${id}`);
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toMatch(/problem\+json/);
      expect((await c.get(`/tasks/${id}`)).status).toBe(404);
      expect((await c.get(`/tasks/${id}/attachments/${pdfAttachmentId}`)).status).toBe(404);
      expect((await c.json('POST', `/api/v1/tasks/${id}/status`, { status: 'complete' }, { 'x-csrf-token': await c.csrfFrom('/tasks') })).status).toBe(404);
    }
    const list = await (await c.get('/api/v1/tasks')).json();
    expect(list).toMatchObject({ tasks: [], total: 0 });
    const page = await (await c.get('/tasks/list')).text();
    expect(page).toContain('No tasks match.');
    expect(page).not.toContain('Threats from neighbour');
    expect(page).not.toContain('Bins not collected');
  });

  it('keeps a restricted group\'s task from admins outside its teams', async () => {
    const c = await signedIn('ada');
    expect((await c.get(`/api/v1/tasks/${asbTaskId}`)).status).toBe(404);
    expect((await c.get(`/api/v1/tasks/${cmpTaskId}`)).status).toBe(200);
    const token = await fetch(`${f.baseUrl}/api/v1/tasks/${asbTaskId}`, { headers: { authorization: `Bearer ${f.adminToken}` } });
    expect(token.status).toBe(404);
  });

  it('shows the team its task: sender, subject, saved and rejected attachments, history, and a sandboxed body', async () => {
    const c = await signedIn('asb.officer');
    const res = await c.get(`/tasks/${asbTaskId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Threats from neighbour');
    expect(html).toContain('resident@example.org');
    expect(html).toContain(`href="/tasks/${asbTaskId}/attachments/${pdfAttachmentId}"`);
    expect(html).toContain('photo.pdf');
    expect(html).toMatch(/name says PDF document \(\.pdf\) but the content is not one: it is a Windows program/);
    expect(html).toMatch(/<iframe[^>]+sandbox="allow-popups allow-popups-to-escape-sandbox"/);
    expect(html).not.toContain('<script>window.parent');

    const emailId = (await f.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', '=', 'Threats from neighbour').executeTakeFirstOrThrow()).id;
    const body = await c.get(`/tasks/${asbTaskId}/emails/${emailId}/body`);
    expect(body.status).toBe(200);
    const csp = body.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('script-src');
    expect(csp).toContain('img-src data:;');
    const bodyHtml = await body.text();
    expect(bodyHtml).toContain('They shouted');
    expect(bodyHtml).not.toMatch(/<script|onerror|tracker\.example/i);
    const withImages = await c.get(`/tasks/${asbTaskId}/emails/${emailId}/body?images=show`);
    expect(withImages.headers.get('content-security-policy')).toContain('img-src data: https: http:');
    expect(await withImages.text()).toContain('https://tracker.example/p.gif');

    const download = await c.get(`/tasks/${asbTaskId}/attachments/${pdfAttachmentId}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="statement\.pdf"/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('sets a task pending and complete from the page, refusing a move the status table does not allow', async () => {
    const c = await signedIn('complaints.officer');
    const csrf = await c.csrfFrom(`/tasks/${cmpTaskId}`);
    expect((await c.postForm(`/tasks/${cmpTaskId}/status`, { _csrf: csrf, status: 'pending' })).headers.get('location')).toBe(`/tasks/${cmpTaskId}?done=status`);
    expect((await c.postForm(`/tasks/${cmpTaskId}/status`, { _csrf: csrf, status: 'complete' })).status).toBe(303);
    const refused = await c.postForm(`/tasks/${cmpTaskId}/status`, { _csrf: csrf, status: 'pending' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('A complete task cannot be set to pending');
    const api = await (await c.get(`/api/v1/tasks/${cmpTaskId}`)).json();
    expect(api.task.status).toBe('complete');
    expect(api.history.map((h: { toStatus: string | null }) => h.toStatus)).toEqual(['open', 'pending', 'complete']);
    expect(api.emails[0]).toMatchObject({ subject: 'Bins not collected', hasHtml: true, bodyText: 'Third week running' });
  });

  it('lists and bulk-reassigns through the API, and the summary counts per category', async () => {
    const c = await signedIn('complaints.officer');
    const csrf = await c.csrfFrom('/tasks');
    const reopen = await c.json('POST', `/api/v1/tasks/${cmpTaskId}/status`, { status: 'open' }, { 'x-csrf-token': csrf });
    expect(reopen.status).toBe(200);
    const bulk = await c.json('POST', '/api/v1/tasks/bulk', { taskIds: [cmpTaskId, asbTaskId], action: 'reassign', userId: f.complaintsOfficer.id }, { 'x-csrf-token': csrf });
    expect(await bulk.json()).toEqual({ done: [cmpTaskId], failed: [{ id: asbTaskId, reason: `There is no task ${asbTaskId}` }] });
    const summary = await (await c.get('/api/v1/tasks/summary')).json();
    expect(summary).toContainEqual({ workflowCode: 'EMAILCMP', workflowName: 'Inbound Emails for Complaints', scope: 'me', open: 1, pending: 0, complete: 0 });
    const page = await (await c.get('/tasks')).text();
    expect(page).toContain('Inbound Emails for Complaints');
    expect(page).toContain('/tasks/list?workflow=EMAILCMP&scope=me&status=open');
  });

  it('publishes the Task Manager operations in /openapi.json', async () => {
    const c = await signedIn('ada');
    const res = await c.get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    for (const p of ['/api/v1/tasks', '/api/v1/tasks/{id}', '/api/v1/tasks/{id}/status', '/api/v1/tasks/bulk', '/api/v1/tasks/{id}/reply', '/api/v1/task-manager/event-queries/{id}/run', '/api/v1/task-manager/workflows']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
  });

  it('reports a failing event query on its page and applies nothing', async () => {
    const c = await signedIn('ada');
    const setup = await c.get('/system-setup/task-manager');
    expect(setup.status).toBe(200);
    const q = (await listEventQueries(f.t.ctx)).find((x) => x.name === 'Inbound emails')!;
    await f.t.ctx.db.updateTable('tm_event_queries').set({ sql_text: "SELECT 'EML_NOWHERE', exce_refno, 'EML', now(), NULL, 'CREATE', NULL, NULL, NULL FROM exchange_emails" }).where('id', '=', q.id).execute();
    const before = await f.t.ctx.db.selectFrom('tm_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const csrf = await c.csrfFrom(`/system-setup/task-manager/queries/${q.id}`);
    const run = await c.postForm(`/system-setup/task-manager/queries/${q.id}/run`, { _csrf: csrf });
    expect(run.status).toBe(303);
    const html = await (await c.get(`/system-setup/task-manager/queries/${q.id}`)).text();
    expect(html).toContain('Failed – nothing was applied');
    expect(html).toContain('there is no event type EML_NOWHERE');
    const after = await f.t.ctx.db.selectFrom('tm_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // Saving a query PostgreSQL cannot run is refused on the page with the reason.
    const bad = await c.postForm(`/system-setup/task-manager/queries/${q.id}`, { _csrf: csrf, name: q.name, sqlText: 'SELECT nope FROM exchange_emails', fetCode: 'EML_NOT', everyMinutes: '1', enabled: 'true' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('column &#34;nope&#34; does not exist');
  });

  it('says on the set-up page why event queries cannot run when there is no sandbox role, and runs none', async () => {
    const c = await signedIn('ada');
    expect(await (await c.get('/system-setup/task-manager')).text()).not.toContain('Event queries cannot run');
    const noLogin = new URL(f.t.databaseUrl);
    noLogin.username = 'no_such_role';
    f.t.ctx.sqlSandbox = new SqlSandbox(f.t.ctx.db, { loginUrl: noLogin.toString() });
    try {
      const html = await (await c.get('/system-setup/task-manager')).text();
      expect(html).toContain('Event queries cannot run: there is no database role no_such_role');
      const q = (await listEventQueries(f.t.ctx)).find((x) => x.name === 'Inbound emails')!;
      expect(await runEventQuery(f.t.ctx, q.id)).toMatchObject({ ok: false, error: 'Event queries cannot run: there is no database role no_such_role' });
    } finally {
      delete f.t.ctx.sqlSandbox;
    }
  });
});
