// Outbound email over HTTP: the API (send, get, list, replay), template CRUD with line-accurate
// errors, and the Outbox, template and Microsoft 365 pages — against the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { installLicence } from '../../src/app/licence.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { testLicence } from '../helpers/db.ts';
import { WebClient, startWebFixture, type WebFixture } from '../http/web-client.ts';
import { demoDomain, demoMailboxes, startHarness, type Harness } from '../graph/harness.ts';
import { arrived } from './setup.ts';

let f: WebFixture;
let h: Harness;
let api: (method: string, path: string, body?: unknown, token?: string) => Promise<Response>;

beforeAll(async () => {
  [f, h] = await Promise.all([startWebFixture(), startHarness()]);
  const ctx = f.t.ctx;
  ctx.graph = h.gateway();
  ctx.integration = { mode: 'demo', graphBaseUrl: h.emulator.graphBaseUrl, authority: h.emulator.authority, smtp: { host: '127.0.0.1', port: 2525 } };
  await installLicence(ctx, SYSTEM_ACTOR, testLicence(f.t.licencePrivateKey));
  for (const [k, v] of [['INBOX_SERVER', demoDomain], ['EMO_EMAILADDR', demoMailboxes.noreply], ['OUTLOOK365', 'Y'], ['EMAILOUT_OUTLOOK365', 'Y']]) await setParameter(ctx, SYSTEM_ACTOR, k, v);
  const c = new WebClient(f.baseUrl);
  api = (method, path, body, token = f.officerToken) => c.json(method, `/api/v1${path}`, body, { authorization: `Bearer ${token}` });
});
afterAll(async () => {
  await h?.stop();
  await f?.close();
});

describe('email API', () => {
  it('queues with a template, sends, and reports the email with its history', async () => {
    const res = await api('POST', '/emails', { to: [demoMailboxes.asb], template: 'EMAIL_ACK', data: { email: { subject: 'Noise', reference: 'TSK-1', received_at: 'today' } }, sourceRef: 'TSK-1' });
    expect(res.status).toBe(202);
    const queued = await res.json();
    expect(queued).toMatchObject({ status: 'queued', subject: 'We have received your email: Noise [TSK-1]', template: 'EMAIL_ACK', source: 'api', createdBy: 'token:officer-test' });

    await drainOutbox(f.t.ctx);
    const got = await (await api('GET', `/emails/${queued.id}`)).json();
    expect(got).toMatchObject({ status: 'sent', fromMailbox: demoMailboxes.noreply });
    expect(got.history.map((x: { status: string }) => x.status)).toEqual(['queued', 'sending', 'sent']);
    expect(await arrived(h, demoMailboxes.asb, queued.subject)).toBe(1);

    const list = await (await api('GET', '/emails?status=sent')).json();
    expect(list.map((e: { id: string }) => e.id)).toContain(queued.id);
  });

  it('takes attachments as base64 and refuses bad input as problem+json naming the field', async () => {
    const ok = await api('POST', '/emails', { to: [{ address: demoMailboxes.complaints, name: 'Complaints' }], subject: 'With a file', text: 'see attached', attachments: [{ name: 'a.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4').toString('base64') }] });
    expect(ok.status).toBe(202);
    expect((await ok.json()).attachments).toEqual([{ name: 'a.pdf', contentType: 'application/pdf', size: 8 }]);
    const bad = await api('POST', '/emails', { to: ['not-an-address'], subject: 's' });
    expect(bad.status).toBe(422);
    const body = await bad.json();
    expect(body.errors.map((e: { field: string }) => e.field)).toContain('to.0');
    expect((await api('GET', '/emails/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses an email over the tenant message size limit (EXCHANGE_MAX_MESSAGE_MB, 35 MB) as problem+json naming the field', async () => {
    const content = Buffer.alloc(35 * 1024 * 1024 + 1, 1).toString('base64');
    const res = await api('POST', '/emails', { to: [demoMailboxes.complaints], subject: 'Too big', text: 'x', attachments: [{ name: 'scan.pdf', contentType: 'application/pdf', content }] });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = await res.json();
    expect(body.detail ?? body.title).toMatch(/35 MB/);
    expect(body.errors.map((e: { field: string }) => e.field)).toContain('attachments');
    // far over it, the body itself is refused before it is read whole
    const huge = await api('POST', '/emails', { to: [demoMailboxes.complaints], subject: 'Huge', text: 'x', attachments: [{ name: 'scan.pdf', content: content + content }] });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('takes a large file streamed to POST /email-attachments, and only its uploader may attach it', async () => {
    const file = Buffer.alloc(5 * 1024 * 1024 + 123, 0x25);
    const up = await fetch(`${f.baseUrl}/api/v1/email-attachments?name=plans.pdf`, { method: 'POST', headers: { authorization: `Bearer ${f.officerToken}`, 'content-type': 'application/octet-stream' }, body: file });
    expect(up.status, await up.clone().text()).toBe(201);
    const { upload, size } = await up.json();
    expect(size).toBe(file.length);
    // someone else (the admin token's user) cannot attach it
    const other = await api('POST', '/emails', { to: [demoMailboxes.complaints], subject: 'Not yours', text: 'x', attachments: [{ name: 'plans.pdf', upload }] }, f.adminToken);
    expect(other.status).toBe(422);
    expect((await other.json()).errors.map((e: { field: string }) => e.field)).toContain('attachments.0.upload');
    const forged = await api('POST', '/emails', { to: [demoMailboxes.complaints], subject: 'Forged', text: 'x', attachments: [{ name: 'plans.pdf', upload: `${upload.split('.')[0]}.AAAA` }] });
    expect(forged.status).toBe(422);
    const res = await api('POST', '/emails', { to: [demoMailboxes.complaints], subject: 'Plans by upload', text: 'Attached.', attachments: [{ name: 'plans.pdf', contentType: 'application/pdf', upload }] });
    expect(res.status).toBe(202);
    expect((await res.json()).attachments).toEqual([{ name: 'plans.pdf', contentType: 'application/pdf', size: file.length }]);
    await drainOutbox(f.t.ctx);
    const got = (await h.messages(demoMailboxes.complaints)).filter((m) => m.subject === 'Plans by upload');
    expect(got).toHaveLength(1);
    expect(got[0].attachments?.map((a) => a.size)).toEqual([file.length]);
    // not the file itself as the body
    const wrong = await api('POST', '/email-attachments?name=x.pdf', { not: 'a file' });
    expect(wrong.status).toBe(400);
  });

  it('lets only an admin replay, and only a dead email', async () => {
    const { id } = await (await api('POST', '/emails', { to: [demoMailboxes.asb], subject: 'x', text: 'y' })).json();
    expect((await api('POST', `/emails/${id}/replay`)).status).toBe(403);
    expect((await api('POST', `/emails/${id}/replay`, undefined, f.adminToken)).status).toBe(409);
  });
});

describe('templates API', () => {
  it('creates, previews, rejects Liquid errors with the line, and deletes', async () => {
    const put = await api('PUT', '/templates/REPAIR_DONE', { description: 'Repair done', subject: 'Repair {{ appointment.reference }} done', text: 'Dear {{ tenant.name }},\nall done.' }, f.adminToken);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ code: 'REPAIR_DONE', shipped: false });
    const preview = await (await api('POST', '/templates/REPAIR_DONE/preview', { data: { tenant: { name: 'Ann' }, appointment: { reference: 'R-9' } } })).json();
    expect(preview).toEqual({ subject: 'Repair R-9 done', html: '', text: 'Dear Ann,\nall done.' });

    const bad = await api('PUT', '/templates/REPAIR_DONE', { description: 'Repair done', subject: 'ok', text: 'line 1\n{{ tenant.nmae }}' }, f.adminToken);
    expect(bad.status).toBe(422);
    const problem = await bad.json();
    expect(problem.errors).toEqual([{ field: 'text', message: expect.stringMatching(/^Plain-text body, line 2 column \d+: unknown merge field/) }]);

    expect((await api('PUT', '/templates/REPAIR_DONE', { description: 'x', subject: 'y', text: 'z' })).status).toBe(403);
    expect((await api('DELETE', '/templates/REPAIR_DONE', undefined, f.adminToken)).status).toBe(204);
    expect((await api('GET', '/templates/REPAIR_DONE')).status).toBe(404);
    const shipped = (await (await api('GET', '/templates')).json()).map((t: { code: string }) => t.code);
    expect(shipped).toEqual(['APPT_CANCELLED', 'APPT_CONFIRM', 'APPT_MOVED', 'COMPLAINT_ACK', 'EMAIL_ACK']);
  });
});

describe('pages', () => {
  it('shows the outbox, the template editor with preview, and the Microsoft 365 checks', async () => {
    const c = new WebClient(f.baseUrl);
    expect((await c.signIn('alice', f.adminPassword)).status).toBe(303);
    const outbox = await (await c.get('/outbox')).text();
    expect(outbox).toContain('Outbox');
    expect(outbox).toContain('We have received your email: Noise [TSK-1]');

    const token = await c.csrfFrom('/system-setup/email-templates/APPT_CONFIRM');
    const preview = await c.postForm('/system-setup/email-templates/APPT_CONFIRM', { _csrf: token, action: 'preview', code: 'APPT_CONFIRM', description: 'Appointment confirmation', subject: 'Hello {{ tenant.name }}', html: '', text: 'Ref {{ appointment.reference }}' });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('Hello Ms Jane Smith');
    expect(html).toContain('Ref BK-1001');
    const broken = await c.postForm('/system-setup/email-templates/APPT_CONFIRM', { _csrf: token, action: 'save', code: 'APPT_CONFIRM', description: 'Appointment confirmation', subject: 'ok', html: '<p>\n{% if x %}', text: '' });
    expect(broken.status).toBe(422);
    expect(await broken.text()).toMatch(/HTML body, line 2/);

    const integration = await (await c.get('/system-setup/integration')).text();
    expect(integration).toContain(h.emulator.graphBaseUrl);
    expect(integration).toContain('port 2525');
    expect(integration).toMatch(/can create and delete drafts/);
    const csrf = await c.csrfFrom('/system-setup/integration');
    const bad = await c.postForm('/system-setup/integration/test-email', { _csrf: csrf, to: 'nobody' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Enter an email address');
    const sent = await c.postForm('/system-setup/integration/test-email', { _csrf: csrf, to: demoMailboxes.complaints });
    expect(sent.status).toBe(303);
    const location = sent.headers.get('location')!;
    expect(location).toMatch(/^\/outbox\/[0-9a-f-]{36}$/);
    expect(await (await c.get(location)).text()).toContain('housing365 test email');
    const home = await (await c.get('/')).text();
    expect(home).toContain('Checks');
  });
});
