import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { blobStoreOf, loadInboundPolicy } from '../../src/app/inbound/policy.ts';
import { prepareEmail, storePreparedEmail, type FetchedAttachment } from '../../src/app/inbound/store-email.ts';
import { createJobType, saveEventType } from '../../src/app/tasks/setup.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';
import { setTaskStatus } from '../../src/app/tasks/tasks.ts';
import { selectAttachments } from '../../src/adapters/db/inbound-emails.ts';
import type { AttachmentInfo, InboxMessage } from '../../src/app/ports/graph.ts';
import { makeTeam, makeUser, system } from '../tasks/helpers.ts';
import type { Principal } from '../../src/app/context.ts';

let t: TestContext;
let dataDir: string;
let officer: Principal;
const inbox = { code: 'ASB', mailbox: 'asb@housingorganisation.co.uk' };
let n = 0;

export function message(over: Partial<InboxMessage> = {}): InboxMessage {
  n++;
  return {
    id: `AAMkImmutable${n}`,
    internetMessageId: `<m${n}@resident.example>`,
    conversationId: `conv-${n}`,
    subject: `Subject ${n}`,
    from: { address: 'Resident@Example.org', name: 'A Resident' },
    to: [{ address: inbox.mailbox }],
    cc: [],
    replyTo: [],
    receivedAt: new Date(),
    body: { kind: 'html', content: '<p>Hello <b>there</b></p>' },
    hasAttachments: false,
    isRead: false,
    isDraft: false,
    importance: 'normal',
    categories: [],
    folderId: 'inbox',
    headers: [],
    ...over,
  };
}

export function file(name: string, bytes: Buffer, over: Partial<AttachmentInfo> = {}): FetchedAttachment {
  return {
    info: { id: `att-${name}-${Math.random()}`, name, contentType: 'application/octet-stream', size: bytes.length, isInline: false, kind: 'file', ...over },
    open: async () => Readable.from([bytes]),
  };
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500, 0x90)]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082', 'hex'); // a real 1×1 PNG: the type is decided by content, not by 8 magic bytes

async function ingest(msg: InboxMessage, atts: FetchedAttachment[] = []) {
  const policy = await loadInboundPolicy(t.ctx);
  const p = await prepareEmail(inbox, msg, atts, { blobs: blobStoreOf(t.ctx), policy });
  return t.ctx.db.transaction().execute((trx) => storePreparedEmail(trx, p, new Date()));
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'h365-inbound-'));
  t = await createTestContext({ dataDir });
  officer = await makeUser(t.ctx, 'asb.officer');
  const team = await makeTeam(t.ctx, 'ASB_TEAM', [officer]);
  for (const code of ['PDF', 'PNG', 'TXT']) await addFrv(t.ctx, system, { domain: 'EMAIL_ATT_FILETYPE', code, description: code });
  await setParameter(t.ctx, system, 'EMO_EMAILADDR', 'housing@housingorganisation.co.uk').catch(() => undefined);
  const jt = await createJobType(t.ctx, system, { code: 'EMAIL_ASB', name: 'ASB', defaultTeamId: team });
  await saveEventType(t.ctx, system, { code: 'EML_ASB', description: 'ASB inbox', jobTypeId: jt.id });
});
afterAll(async () => {
  await t?.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

describe('storing an inbound email', () => {
  it('keeps permitted attachments in the blob store and records rejected ones with the reason', async () => {
    const r = await ingest(message({ hasAttachments: true }), [
      file('report.pdf', PDF),
      file('invoice.pdf', EXE),
      file('tool.exe', EXE),
      file('empty.txt', Buffer.alloc(0)),
      file('noextension', PDF),
      file('logo.png', PNG, { isInline: true, contentId: 'logo@x' }),
      file('Forwarded mail', Buffer.from('From: a@b\r\nSubject: x\r\n\r\nhi'), { kind: 'item', contentType: 'message/rfc822' }),
      { info: { id: 'ref', name: 'Shared plan.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 0, isInline: false, kind: 'reference' }, open: async () => { throw new Error('no bytes'); } },
    ]);
    expect(r.stored).toBe(true);
    if (!r.stored) return;
    const atts = await selectAttachments(t.ctx.db, [r.id]);
    const by = Object.fromEntries(atts.map((a) => [a.name, a]));
    expect(by['report.pdf']).toMatchObject({ kind: 'file', detectedType: 'PDF', rejectedReason: null, size: PDF.length });
    expect(await blobStoreOf(t.ctx).has(by['report.pdf'].blobSha256!)).toBe(true);
    expect(by['invoice.pdf'].blobSha256).toBeNull();
    expect(by['invoice.pdf'].rejectedReason).toMatch(/name says PDF document \(\.pdf\) but the content is not one: it is a Windows program/);
    expect(by['tool.exe'].rejectedReason).toMatch(/\.exe files are not a permitted type \(EMAIL_ATT_FILETYPE allows PDF, PNG, TXT\)/);
    expect(by['empty.txt'].rejectedReason).toBe('The file is empty (0 bytes)');
    expect(by['noextension'].rejectedReason).toMatch(/no extension/);
    expect(by['logo.png']).toMatchObject({ kind: 'inline', detectedType: 'PNG', contentId: 'logo@x', rejectedReason: null });
    expect(by['Forwarded mail.eml']).toMatchObject({ kind: 'item', detectedType: 'EML', rejectedReason: null });
    expect(by['Shared plan.docx']).toMatchObject({ kind: 'reference', blobSha256: null, rejectedReason: null });
  });

  it('rejects an attachment over EMAIL_ATT_FILESIZE without reading it all', async () => {
    await setParameter(t.ctx, system, 'EMAIL_ATT_FILESIZE', '0.000001');
    try {
      let served = 0;
      const big: FetchedAttachment = {
        info: { id: 'big', name: 'big.pdf', contentType: 'application/pdf', size: 50 * 1024 * 1024, isInline: false, kind: 'file' },
        open: async () =>
          Readable.from((function* () {
            yield Buffer.from('%PDF-1.4\n');
            for (let i = 0; i < 800; i++) {
              served++;
              yield Buffer.alloc(64 * 1024, 0x20);
            }
          })()),
      };
      const r = await ingest(message(), [big]);
      if (!r.stored) throw new Error('not stored');
      const [a] = await selectAttachments(t.ctx.db, [r.id]);
      expect(a.rejectedReason).toMatch(/Larger than the limit of 1\.0 KB \(EMAIL_ATT_FILESIZE\)/);
      expect(a.size).toBe(50 * 1024 * 1024);
      expect(served).toBeLessThan(5);
    } finally {
      await setParameter(t.ctx, system, 'EMAIL_ATT_FILESIZE', null);
    }
  });

  it('stores each email once: the same Graph id or the same internetMessageId is a duplicate', async () => {
    const m = message();
    const first = await ingest(m);
    if (!first.stored) throw new Error('not stored');
    expect(await ingest(m)).toEqual({ stored: false, duplicateOf: first.id });
    expect(await ingest({ ...m, id: 'AAMkSomeOtherId' })).toEqual({ stored: false, duplicateOf: first.id });
    // Without an internetMessageId, the (inbox, Graph id) key alone catches it.
    const bare = message({ internetMessageId: '' });
    expect((await ingest(bare)).stored).toBe(true);
    expect(await ingest(bare)).toEqual({ stored: false, duplicateOf: 'graph-id' });
  });

  it('records auto-replies and our own mail without raising a task', async () => {
    const ooo = await ingest(message({ subject: 'Automatic reply: away', headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }] }));
    const oof2 = await ingest(message({ headers: [{ name: 'X-Auto-Response-Suppress', value: 'All' }] }));
    const bulk = await ingest(message({ headers: [{ name: 'Precedence', value: 'bulk' }] }));
    const own = await ingest(message({ from: { address: 'housing@housingorganisation.co.uk' } }));
    const marked = await ingest(message({ marker: 'outbox:42' }));
    expect([ooo, oof2, bulk, own, marked].map((r) => r.stored && r.disposition)).toEqual(['auto_reply', 'auto_reply', 'auto_reply', 'own', 'own']);
    const listed = (await sql<{ exce_refno: string }>`SELECT exce_refno FROM exchange_emails`.execute(t.ctx.db)).rows.map((l) => l.exce_refno);
    for (const r of [ooo, own, marked]) expect(listed).not.toContain(r.stored ? String(r.id) : '');
  });

  it('joins a reply to the open task of the email it answers, moving a pending task back to open', async () => {
    const first = message({ subject: 'Noise again', conversationId: 'conv-thread' });
    await ingest(first);
    const q = (await listEventQueries(t.ctx)).find((x) => x.name === 'Inbound emails')!;
    await runEventQuery(t.ctx, q.id);
    const task = await t.ctx.db.selectFrom('tm_tasks').select('id').where('title', '=', 'Noise again').executeTakeFirstOrThrow();
    await setTaskStatus(t.ctx, officer, task.id, 'pending');

    const reply = await ingest(message({ subject: 'RE: Noise again', conversationId: 'other', headers: [{ name: 'In-Reply-To', value: first.internetMessageId }, { name: 'References', value: `<x@y> ${first.internetMessageId}` }] }));
    expect(reply).toMatchObject({ stored: true, disposition: 'threaded', taskId: task.id });
    const after = await t.ctx.db.selectFrom('tm_tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('open');
    // By conversation too; and the event query raises no second task for either.
    const sameConversation = await ingest(message({ subject: 'RE: RE: Noise again', conversationId: 'conv-thread' }));
    expect(sameConversation).toMatchObject({ disposition: 'threaded', taskId: task.id });
    const run = await runEventQuery(t.ctx, q.id);
    expect(run.tasks).toBe(0);
    // Once complete, a further reply reopens it (the job type's default: within 30 days; issue 17 §2).
    await setTaskStatus(t.ctx, officer, task.id, 'complete');
    const late = await ingest(message({ subject: 'RE: Noise again', headers: [{ name: 'In-Reply-To', value: first.internetMessageId }] }));
    expect(late).toMatchObject({ disposition: 'threaded', taskId: task.id });
    expect((await t.ctx.db.selectFrom('tm_tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow()).status).toBe('open');
  });

  it('survives hostile values: NUL bytes, a 10,000-character subject, no sender', async () => {
    const r = await ingest(message({ subject: 'x'.repeat(10_000) + '\u0000', from: undefined, sender: undefined, body: { kind: 'text', content: 'a\u0000b' } }));
    expect(r.stored).toBe(true);
    const row = await t.ctx.db.selectFrom('inbound_emails').select(['subject', 'from_address', 'body_text']).where('id', '=', r.stored ? r.id : 0).executeTakeFirstOrThrow();
    expect(row.subject.length).toBe(2000);
    expect(row.from_address).toBeNull();
    expect(row.body_text).toBe('a\uFFFDb');
  });
});
