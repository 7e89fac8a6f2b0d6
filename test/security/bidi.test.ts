import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '../http/web-client.ts';
import { startTaskFixture, PASSWORD, type TaskFixture } from '../tasks/fixture.ts';
import { makeUser, system } from '../tasks/helpers.ts';
import { addTeamMember } from '../../src/app/users.ts';
import { blobStoreOf, loadInboundPolicy } from '../../src/app/inbound/policy.ts';
import { prepareEmail, storePreparedEmail, type FetchedAttachment } from '../../src/app/inbound/store-email.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';
import { upsertParked } from '../../src/adapters/db/inbound-parked.ts';
import { hasBidiControl } from '../../src/domain/text/bidi.ts';
import type { InboxMessage } from '../../src/app/ports/graph.ts';

// Issue 13 §9: a name with a right-to-left override ("invoice\u202Efdp.exe" reads as "invoiceexe.pdf")
// is never shown or sent with its bidi controls: Task Details, the outbox, Needs attention, the
// download's Content-Disposition and the API's displayName. The stored original stays as it came.

let f: TaskFixture;
let taskId: number;
let savedId: number;
const RLO = '\u202E';
const SENDER_NAME = `Council Tax ${RLO}dnufeR`;
const SAVED_NAME = `statement${RLO}txt.pdf`;
const REJECTED_NAME = `invoice${RLO}fdp.exe`;
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

async function deliver(): Promise<number> {
  const ctx = f.t.ctx;
  const msg: InboxMessage = {
    id: 'id-bidi', internetMessageId: '<bidi@resident.example>', subject: 'Refund due', from: { address: 'spoof@example.org', name: SENDER_NAME },
    to: [{ address: 'asb@housingorganisation.co.uk' }], cc: [], replyTo: [], receivedAt: new Date(), body: { kind: 'text', content: 'see attached' },
    hasAttachments: true, isRead: false, isDraft: false, importance: 'normal', categories: [], folderId: 'inbox', headers: [],
  };
  const files: FetchedAttachment[] = ([[SAVED_NAME, PDF], [REJECTED_NAME, EXE]] as const).map(([name, bytes]) => ({ info: { id: name, name, contentType: 'application/octet-stream', size: bytes.length, isInline: false, kind: 'file' }, open: async () => Readable.from([bytes]) }));
  const p = await prepareEmail({ code: 'ASB', mailbox: 'asb@housingorganisation.co.uk' }, msg, files, { blobs: blobStoreOf(ctx), policy: await loadInboundPolicy(ctx) });
  const r = await ctx.db.transaction().execute((trx) => storePreparedEmail(trx, p, new Date()));
  if (!r.stored) throw new Error('not stored');
  await runEventQuery(ctx, (await listEventQueries(ctx)).find((x) => x.name === 'Inbound emails')!.id);
  return (await ctx.db.selectFrom('tm_tasks').select('id').where('email_id', '=', r.id).executeTakeFirstOrThrow()).id;
}

let c: WebClient;
beforeAll(async () => {
  f = await startTaskFixture();
  taskId = await deliver();
  savedId = (await f.t.ctx.db.selectFrom('inbound_attachments').select('id').where('name', '=', SAVED_NAME).executeTakeFirstOrThrow()).id;
  const admin = await makeUser(f.t.ctx, 'asb.admin', 'admin');
  await addTeamMember(f.t.ctx, system, f.asbTeam, admin.id);
  c = new WebClient(f.baseUrl);
  expect((await c.signIn('asb.admin', PASSWORD)).status).toBe(303);
});
afterAll(async () => f?.close());

describe('bidi controls in names', () => {
  it('are kept in the stored original', async () => {
    const names = (await f.t.ctx.db.selectFrom('inbound_attachments').select('name').execute()).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining([SAVED_NAME, REJECTED_NAME]));
  });

  it('never reach the Task Details page: sender and attachment names read in their real order', async () => {
    const res = await c.get(`/tasks/${taskId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(hasBidiControl(html)).toBe(false);
    expect(html).toContain('invoice\uFFFDfdp.exe');
    expect(html).toContain('statement\uFFFDtxt.pdf');
    expect(html).toContain('Council Tax \uFFFDdnufeR');
  });

  it('never reach a download\'s Content-Disposition (filename and filename*)', async () => {
    const res = await c.get(`/tasks/${taskId}/attachments/${savedId}`);
    expect(res.status).toBe(200);
    const cd = res.headers.get('content-disposition')!;
    expect(cd).toBe("attachment; filename=\"statement_txt.pdf\"; filename*=UTF-8''statement%EF%BF%BDtxt.pdf");
    expect(hasBidiControl(decodeURIComponent(cd.split("UTF-8''")[1]))).toBe(false);
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('are in the API\'s name (the original) but not its displayName', async () => {
    const d = await (await c.get(`/api/v1/tasks/${taskId}`)).json();
    const [email] = d.emails;
    expect(email.from).toEqual({ address: 'spoof@example.org', name: SENDER_NAME, displayName: 'Council Tax \uFFFDdnufeR' });
    const byName = Object.fromEntries(email.attachments.map((a: { name: string; displayName: string }) => [a.name, a.displayName]));
    expect(byName).toEqual({ [SAVED_NAME]: 'statement\uFFFDtxt.pdf', [REJECTED_NAME]: 'invoice\uFFFDfdp.exe' });
  });

  it('never reach the outbox: the reply to the sender is addressed and listed without them', async () => {
    const csrf = await c.csrfFrom(`/tasks/${taskId}`);
    const r = await c.json('POST', `/api/v1/tasks/${taskId}/reply`, { text: 'We will look into it' }, { 'x-csrf-token': csrf });
    expect(r.status).toBeLessThan(300);
    const { outboxId } = await r.json();
    for (const path of ['/outbox', `/outbox/${outboxId}`]) {
      const html = await (await c.get(path)).text();
      expect(html).toContain('spoof@example.org');
      expect(hasBidiControl(html)).toBe(false);
    }
  });

  it('never leave in an email we send: attachment and recipient names are neutralised when queued', async () => {
    const csrf = await c.csrfFrom('/outbox');
    const r = await c.json('POST', '/api/v1/emails', {
      to: [{ address: 'tenant@example.org', name: `Ms ${RLO}htimS` }], subject: 'Your statement', text: 'Attached.',
      attachments: [{ name: REJECTED_NAME, contentType: 'application/pdf', content: PDF.toString('base64') }],
    }, { 'x-csrf-token': csrf });
    expect(r.status).toBe(202);
    const sent = await r.json();
    expect(sent.attachments.map((a: { name: string }) => a.name)).toEqual(['invoice\uFFFDfdp.exe']);
    expect(sent.to).toEqual([{ address: 'tenant@example.org', name: 'Ms \uFFFDhtimS' }]);
    const row = await f.t.ctx.db.selectFrom('email_outbox').select('to_recipients').where('id', '=', sent.id).executeTakeFirstOrThrow();
    expect(hasBidiControl(JSON.stringify(row.to_recipients))).toBe(false);
  });

  it('never reach Needs attention', async () => {
    await upsertParked(f.t.ctx.db, { inbox: 'ASB', mailbox: 'asb@housingorganisation.co.uk', graphId: 'AAMk-bidi', subject: `Payslip ${RLO}fdp.exe`, reason: `attachment ${REJECTED_NAME} could not be read`, raw: null, at: new Date() });
    for (const path of ['/integration/inboxes', '/system-setup/integration/sync']) {
      const html = await (await c.get(path)).text();
      expect(html).toContain('Payslip \uFFFDfdp.exe');
      expect(hasBidiControl(html)).toBe(false);
    }
  });
});
