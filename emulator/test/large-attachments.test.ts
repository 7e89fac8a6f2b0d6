// Large attachment content kept on disk: uploaded through the admin API as a stream, or through an
// upload session; served by `$value` from the file; read whole only when a client asks for
// `contentBytes` (counted per attachment); persisted by name, not as base64 in state.json.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, repairs, startHarness, type Harness } from './helpers.ts';

let h: Harness;
let stateDir: string;
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'emu-large-att-'));
  h = await startHarness({ stateDir });
});
afterAll(async () => {
  await h.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Deterministic bytes, produced in 1 MB pieces (never one big Buffer on the sending side). */
function* pieces(size: number): Generator<Buffer> {
  const mb = 1024 * 1024;
  for (let off = 0; off < size; off += mb) {
    const b = Buffer.alloc(Math.min(mb, size - off));
    for (let i = 0; i < b.length; i++) b[i] = ((off + i) * 131 + 7) & 0xff;
    if (off === 0) b.write('%PDF-1.7\n', 'latin1');
    yield b;
  }
}

function sha256Of(size: number): string {
  const hash = createHash('sha256');
  for (const p of pieces(size)) hash.update(p);
  return hash.digest('hex');
}

describe('large attachments on disk', () => {
  it('takes 12 MB streamed through the admin API, delivers it and serves $value from the file', async () => {
    const size = 12 * 1024 * 1024 + 123;
    const up = await h.fetch(`${h.emu.adminUrl}/attachments`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Readable.from(pieces(size)) as never, duplex: 'half' } as RequestInit);
    expect(up.status).toBe(201);
    const stored = (await up.json()) as { contentFile: string; size: number; sha256: string };
    expect(stored).toMatchObject({ size, sha256: sha256Of(size), contentFile: sha256Of(size) });

    const bad = await h.admin('POST', `/users/${repairs}/messages`, { subject: 'x', attachments: [{ name: 'a.pdf', contentFile: '0'.repeat(64) }] });
    expect(bad.status).toBe(400);
    const msg = await h.admin('POST', `/users/${repairs}/messages`, { subject: 'Big scan', attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'scan.pdf', contentType: 'application/pdf', contentFile: stored.contentFile }] });
    expect(msg.status).toBe(201);
    const graph = h.graph();
    const list = await graph.api(`/users/${repairs}/messages/${msg.body.immutableId}/attachments`).select('id,name,size,contentType,isInline').get();
    expect(list.value).toHaveLength(1);
    expect(list.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'scan.pdf', size, contentType: 'application/pdf' });
    expect(list.value[0].contentBytes).toBeUndefined();
    const aid = list.value[0].id;

    const token = await h.token();
    const res = await h.fetch(`${h.emu.graphBaseUrl}/users/${repairs}/messages/${msg.body.immutableId}/attachments/${aid}/$value`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size));
    const hash = createHash('sha256');
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(c);
    expect(hash.digest('hex')).toBe(stored.sha256);

    // served as a stream, never as base64 in JSON — until a client asks for contentBytes
    let served = (await h.admin('GET', '/attachments')).body.served[aid];
    expect(served).toEqual({ asContentBytes: 0, asValue: size });
    const one = await graph.api(`/users/${repairs}/messages/${msg.body.immutableId}/attachments/${aid}`).get();
    expect(createHash('sha256').update(Buffer.from(one.contentBytes, 'base64')).digest('hex')).toBe(stored.sha256);
    served = (await h.admin('GET', '/attachments')).body.served[aid];
    expect(served).toEqual({ asContentBytes: size, asValue: size });
  });

  it('keeps upload-session content on disk and persists only its name', async () => {
    const graph = h.graph();
    const draft = await graph.api(`/users/${asb}/messages`).post({ subject: 'Session upload', toRecipients: [{ emailAddress: { address: repairs } }] });
    const size = 5 * 1024 * 1024;
    const content = Buffer.concat([...pieces(size)]);
    const session = await graph.api(`/users/${asb}/messages/${draft.id}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: 'file', name: 'plan.pdf', size } });
    const chunk = 320 * 1024 * 9;
    for (let start = 0; start < size; start += chunk) {
      const end = Math.min(start + chunk, size) - 1;
      const r = await h.fetch(session.uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes ${start}-${end}/${size}` }, body: content.subarray(start, end + 1) });
      expect(r.status).toBe(end === size - 1 ? 201 : 200);
    }
    const mailbox = Object.values(h.emu.state.users).find((u) => u.userPrincipalName === asb)!.mailbox;
    const att = Object.values(mailbox.messages).find((m) => m.subject === 'Session upload')!.attachments[0];
    expect(att.contentBytes).toBeUndefined();
    expect(att.contentFile).toBe(createHash('sha256').update(content).digest('hex'));
    expect(existsSync(join(stateDir, 'attachments', att.contentFile!))).toBe(true);
    h.emu.core.markDirty();
    h.emu.core.saveNow();
    const saved = readFileSync(join(stateDir, 'state.json'), 'utf8');
    expect(saved).toContain(att.contentFile!);
    expect(saved.length).toBeLessThan(1024 * 1024);
  });
});
