// A large attachment streams end to end (issue 8, P5 in small): Graph `$value` → blob store, hashed
// and sniffed on the way. Proved by correctness, not by memory: the stored bytes' SHA-256 equals the
// sent one, and the emulator never served the attachment as base64 contentBytes (it counts how each
// attachment's bytes were served). The 150 MB run and its peak RSS are bench/p5-large-attachment.ts.
import { createCipheriv, createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/adapters/graph/index.ts';
import { blobStoreOf } from '../../src/app/inbound/policy.ts';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';

const MiB = 1024 * 1024;
let w: InboundWorld;
let dispatcher: ReturnType<typeof createDispatcher>;
beforeAll(async () => {
  w = await startInboundWorld();
  dispatcher = createDispatcher(w.emulator.caCertPem);
  await w.sync('ASB'); // enables the inbox: only later mail is imported
  await new Promise((r) => setTimeout(r, 1100));
}, 60_000);
afterAll(async () => {
  await dispatcher?.close();
  await w?.stop();
});

/** A PDF of `size` bytes in 1 MiB pieces: a real header, then AES-CTR filler. */
function* pdf(size: number, key: number): Generator<Buffer> {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, key), Buffer.alloc(16, 0));
  yield head;
  for (let left = size - head.length; left > 0; left -= MiB) yield cipher.update(Buffer.alloc(Math.min(MiB, left)));
}

const sha256 = (pieces: Iterable<Buffer>) => {
  const h = createHash('sha256');
  for (const p of pieces) h.update(p);
  return h.digest('hex');
};

async function storedBlob(subject: string) {
  const [email] = await w.t.ctx.db.selectFrom('inbound_emails').selectAll().where('subject', '=', subject).execute();
  const atts = await w.t.ctx.db.selectFrom('inbound_attachments').selectAll().where('email_id', '=', email.id).execute();
  expect(atts).toHaveLength(1);
  const h = createHash('sha256');
  for await (const c of await blobStoreOf(w.t.ctx).open(atts[0].blob_sha256!)) h.update(c as Buffer);
  return { email, att: atts[0], fileSha: h.digest('hex') };
}

async function served(): Promise<Record<string, { asContentBytes: number; asValue: number }>> {
  return ((await (await fetch(`${w.emulator.adminUrl}/attachments`, { dispatcher })).json()) as { served: Record<string, { asContentBytes: number; asValue: number }> }).served;
}

describe('a 20 MB attachment through the inbound sync', () => {
  it('streams $value into the blob store: the stored SHA-256 is the sent one, and contentBytes is never asked for', async () => {
    const size = 20 * MiB + 77;
    const sent = sha256(pdf(size, 1));
    const up = await fetch(`${w.emulator.adminUrl}/attachments`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Readable.from(pdf(size, 1)), duplex: 'half', dispatcher });
    expect(up.status).toBe(201);
    const content = (await up.json()) as { contentFile: string; sha256: string; size: number };
    expect(content).toMatchObject({ sha256: sent, size });
    const delivered = await w.admin('POST', `/users/${demoMailboxes.asb}/messages`, {
      subject: 'Survey drawings', from: { emailAddress: { address: 'architect@example.org' } },
      attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'survey.pdf', contentType: 'application/pdf', contentFile: content.contentFile }],
    });
    expect(delivered.status).toBe(201);

    expect(await w.sync('ASB')).toMatchObject({ ok: true, imported: 1, parked: 0 });
    const { email, att, fileSha } = await storedBlob('Survey drawings');
    expect(att).toMatchObject({ name: 'survey.pdf', detected_type: 'PDF', rejected_reason: null, blob_sha256: sent });
    expect(Number(att.size)).toBe(size);
    expect(fileSha).toBe(sent);

    // How the emulator served the attachment: once as a $value stream, never as base64 JSON.
    const attachmentId = Object.values(w.emulator.state.users).flatMap((u) => Object.values(u.mailbox.messages)).find((m) => m.subject === 'Survey drawings')!.attachments[0].id;
    expect((await served())[attachmentId]).toEqual({ asContentBytes: 0, asValue: size });
    const log: { method: string; path: string }[] = (await w.admin('GET', '/requests?limit=5000')).body.value;
    expect(log.filter((e) => e.path.includes(encodeURIComponent(attachmentId)) || e.path.includes(attachmentId)).map((e) => `${e.method} ${e.path.endsWith('/$value') ? '$value' : 'entity'}`)).toEqual(['GET $value']);

    // Raised as one task, like any email.
    expect(await w.raiseEvents()).toMatchObject({ ok: true, tasks: 1 });
    const row = await w.t.ctx.db.selectFrom('inbound_emails').select('task_id').where('id', '=', email.id).executeTakeFirstOrThrow();
    expect(row.task_id).not.toBeNull();
  });

  it('retries a download cut off part-way on the next run: nothing stored, nothing parked, no half file left', async () => {
    const size = 20 * MiB;
    const sent = sha256(pdf(size, 3));
    const up = await fetch(`${w.emulator.adminUrl}/attachments`, { method: 'POST', body: Readable.from(pdf(size, 3)), duplex: 'half', dispatcher });
    const content = (await up.json()) as { contentFile: string };
    await w.admin('POST', `/users/${demoMailboxes.asb}/messages`, { subject: 'Cut off', attachments: [{ name: 'cut.pdf', contentType: 'application/pdf', contentFile: content.contentFile }] });
    await w.admin('POST', '/faults', { routePattern: '^GET /v1\\.0/users/[^/]+/messages/[^/]+/attachments/[^/]+/\\$value$', kind: 'cut-body', count: 1 });

    const failed = await w.sync('ASB');
    expect(failed).toMatchObject({ ok: false, imported: 0, parked: 0 });
    expect(failed.error).toMatch(/body cut off/);
    expect(await w.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', '=', 'Cut off').execute()).toHaveLength(0);
    expect(await w.t.ctx.db.selectFrom('inbound_parked').select('id').execute()).toHaveLength(0);
    expect(readdirSync(path.join(w.t.ctx.config.dataDir, 'blobs', 'tmp'))).toEqual([]);

    expect(await w.sync('ASB')).toMatchObject({ ok: true, imported: 1, parked: 0 });
    const { att, fileSha } = await storedBlob('Cut off');
    expect(att.blob_sha256).toBe(sent);
    expect(fileSha).toBe(sent);
  });

  it('takes a 20 MB attachment that arrived through an upload session (kept on disk by the emulator) the same way', async () => {
    const size = 20 * MiB;
    const bytes = Buffer.concat([...pdf(size, 2)]);
    const sent = createHash('sha256').update(bytes).digest('hex');
    const mail = w.graph.mail;
    const draft = await mail.createDraft(demoMailboxes.noreply, { to: [{ address: demoMailboxes.asb }], subject: 'Plans by upload session', text: 'Attached.', attachments: [{ name: 'plans.pdf', contentType: 'application/pdf', content: bytes }] }, 'p5-upload-session');
    await mail.sendDraft(demoMailboxes.noreply, draft.id);
    const arrived = Object.values(w.emulator.state.users).find((u) => u.userPrincipalName === demoMailboxes.asb)!.mailbox;
    const inAsb = Object.values(arrived.messages).find((m) => m.subject === 'Plans by upload session')!;
    expect(inAsb.attachments[0].contentFile).toBe(sent);
    expect(inAsb.attachments[0].contentBytes).toBeUndefined();

    expect(await w.sync('ASB')).toMatchObject({ ok: true, imported: 1, parked: 0 });
    const { att, fileSha } = await storedBlob('Plans by upload session');
    expect(att).toMatchObject({ detected_type: 'PDF', blob_sha256: sent });
    expect(fileSha).toBe(sent);
    expect((await served())[inAsb.attachments[0].id]).toEqual({ asContentBytes: 0, asValue: size });
  });
});
