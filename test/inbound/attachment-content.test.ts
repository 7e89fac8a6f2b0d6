// Attachments end to end through the emulator (issue 14 §8, §9): inline-only mail (Graph says
// hasAttachments=false) still has its cid: images read, shown in the sanitised body when they are
// images and listed with their verdict when not; a file's type is decided by its content (a plain ZIP
// named .docx is not saved, an OLE2 file is the Office format its streams say); a 1,000-character
// file name keeps its extension.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { WebClient } from '../http/web-client.ts';
import { makeUser } from '../tasks/helpers.ts';
import { addTeamMember } from '../../src/app/users.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { cfb, docx, plainZip } from '../helpers/office-files.ts';

let w: InboundWorld;
let app: FastifyInstance;
let c: WebClient;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082', 'hex');

beforeAll(async () => {
  w = await startInboundWorld();
  await addFrv(w.t.ctx, SYSTEM_ACTOR, { domain: 'EMAIL_ATT_FILETYPE', code: 'DOC', description: 'DOC' });
  const officer = await makeUser(w.t.ctx, 'cora', 'officer');
  const team = (await w.t.ctx.db.selectFrom('teams').select('id').where('code', '=', 'COMPLAINTS_TEAM').executeTakeFirstOrThrow()).id;
  await addTeamMember(w.t.ctx, SYSTEM_ACTOR, team, officer.id);
  app = await buildServer(w.t.ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  c = new WebClient(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
  expect((await c.signIn('cora', 'a long enough password')).status).toBe(303);
  await w.sync('COMPLAINTS');
}, 60_000);
afterAll(async () => {
  await app?.close();
  await w?.stop();
});

const emailBy = (subject: string) => w.t.ctx.db.selectFrom('inbound_emails').selectAll().where('subject', '=', subject).executeTakeFirstOrThrow();
const attachmentsOf = (emailId: number) => w.t.ctx.db.selectFrom('inbound_attachments').selectAll().where('email_id', '=', emailId).orderBy('id').execute();

describe('inline images and content-true attachment types', () => {
  it('reads inline-only mail (hasAttachments=false), shows its image in the body and lists the inline part that is not an image with its verdict', async () => {
    await w.mail({
      from: 'resident@example.org', to: demoMailboxes.complaints, subject: 'Photo of the damp',
      html: '<p>See <img src="cid:damp@resident" alt="damp"> and <img src="cid:fake@resident" alt="fake"></p>',
      attachments: [
        { filename: 'damp.png', content: PNG, contentType: 'image/png', cid: 'damp@resident' },
        { filename: 'fake.png', content: Buffer.from('MZ\x90\x00 not an image', 'latin1'), contentType: 'image/png', cid: 'fake@resident' },
      ],
    });
    const u = Object.values(w.emulator.state.users).find((x) => x.userPrincipalName === demoMailboxes.complaints)!;
    const m = Object.values(u.mailbox.messages).find((x) => x.subject === 'Photo of the damp')!;
    const graphView = await w.graph.mail.getMessage(demoMailboxes.complaints, m.immutableId);
    expect(graphView.hasAttachments).toBe(false); // as Graph: inline parts do not count

    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 1 });
    const e = await emailBy('Photo of the damp');
    const atts = await attachmentsOf(e.id);
    expect(atts.map((a) => [a.kind, a.content_id, a.detected_type, a.rejected_reason === null])).toEqual([
      ['inline', 'damp@resident', 'PNG', true],
      ['inline', 'fake@resident', 'a Windows program (MZ header)', false],
    ]);
    expect(atts[1].rejected_reason).toMatch(/not a PNG, JPEG, GIF, BMP or WebP image/);

    expect(await w.raiseEvents()).toMatchObject({ ok: true, tasks: 1 });
    const taskId = (await emailBy('Photo of the damp')).task_id!;
    const page = await (await c.get(`/tasks/${taskId}`)).text();
    expect(page).toContain('damp.png');
    expect(page).toContain('fake.png');
    expect(page).toMatch(/Not saved<\/strong>|Not saved/);
    expect(page).toContain('not a PNG, JPEG, GIF, BMP or WebP image');
    const frame = await c.get(`/tasks/${taskId}/emails/${e.id}/body`);
    const html = await frame.text();
    expect(html).toContain(`src="data:image/png;base64,${PNG.toString('base64')}"`);
    expect(html).not.toContain('cid:');
    expect(frame.headers.get('content-security-policy')).toMatch(/img-src data:/);
  });

  it('saves a Word document named .docx but not a plain ZIP named .docx, and an OLE2 .doc only when it is a Word document', async () => {
    await w.mail({
      from: 'resident@example.org', to: demoMailboxes.complaints, subject: 'Documents by content',
      text: 'Attached',
      attachments: [
        { filename: 'letter.docx', content: docx() },
        { filename: 'renamed.docx', content: plainZip() },
        { filename: 'old.doc', content: cfb(['WordDocument', '1Table']) },
        { filename: 'mail-really.doc', content: cfb(['__properties_version1.0']) },
      ],
    });
    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 1 });
    const atts = await attachmentsOf((await emailBy('Documents by content')).id);
    expect(atts.map((a) => [a.name, a.detected_type, a.blob_sha256 !== null])).toEqual([
      ['letter.docx', 'DOCX', true],
      ['renamed.docx', 'ZIP archive (ZIP)', false],
      ['old.doc', 'DOC', true],
      ['mail-really.doc', 'Outlook message (MSG)', false],
    ]);
    expect(atts[1].rejected_reason).toMatch(/^The name says Word document \(\.docx\) but the content is not one: it is ZIP archive/);
  });

  it('keeps the extension of a 1,000-character file name, so the PDF is still judged a PDF', async () => {
    const name = `${'Very long name '.repeat(67)}.pdf`;
    expect(name.length).toBeGreaterThan(1000);
    await w.mail({ from: 'resident@example.org', to: demoMailboxes.complaints, subject: 'Long file name', text: 'x', attachments: [{ filename: name, content: Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1') }] });
    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 1 });
    const [a] = await attachmentsOf((await emailBy('Long file name')).id);
    expect(a.name).toHaveLength(255);
    expect(a.name.endsWith('.pdf')).toBe(true);
    expect(a).toMatchObject({ detected_type: 'PDF', rejected_reason: null });
  });
});
