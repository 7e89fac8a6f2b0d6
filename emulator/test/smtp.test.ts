// The SMTP door, driven by nodemailer (a real SMTP client) and by raw SMTP for hostile input.
import net from 'node:net';
import nodemailer from 'nodemailer';
import { ResponseType } from '@microsoft/microsoft-graph-client';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, repairs, startHarness, type Harness } from './helpers.ts';

let h: Harness;
let graph: ReturnType<Harness['graph']>;
let transport: nodemailer.Transporter;
beforeAll(async () => {
  h = await startHarness();
  graph = h.graph();
  transport = nodemailer.createTransport({ host: h.emu.smtp.host, port: h.emu.smtp.port, secure: false, ignoreTLS: true });
});
afterAll(async () => {
  transport.close();
  await h.stop();
});

const inbox = (u: string) => `/users/${u}/mailFolders/inbox/messages`;

/** Speaks SMTP by hand and returns the server's replies. */
function rawSmtp(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    let i = 0;
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      out += d;
      if (/\r\n$/.test(out) && i < lines.length) s.write(lines[i++] + '\r\n');
      else if (i >= lines.length) s.end();
    });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('SMTP door', () => {
  it('delivers a message with headers, bodies and an inline image, and threads the reply', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const first = await transport.sendMail({
      from: 'Ms Tenant <tenant@example.org>',
      to: asb,
      subject: 'Noise from flat 3',
      text: 'It is loud every night.',
      html: '<p>It is loud every night. <img src="cid:photo@tenant"></p>',
      headers: { 'X-Tenancy-Ref': 'T-1234' },
      attachments: [
        { filename: 'photo.png', content: png, contentType: 'image/png', cid: 'photo@tenant' },
        { filename: 'diary.txt', content: 'Monday: loud', contentType: 'text/plain' },
      ],
    });
    const got = await graph.api(inbox(asb)).filter("subject eq 'Noise from flat 3'").select('subject,from,internetMessageId,conversationId,body,internetMessageHeaders,hasAttachments').get();
    expect(got.value).toHaveLength(1);
    const m = got.value[0];
    expect(m.internetMessageId).toBe(first.messageId);
    expect(m.from.emailAddress).toEqual({ name: 'Ms Tenant', address: 'tenant@example.org' });
    expect(m.body.contentType).toBe('html');
    expect(m.body.content).toContain('cid:photo@tenant');
    expect(m.hasAttachments).toBe(true);
    expect(m.internetMessageHeaders).toEqual(expect.arrayContaining([{ name: 'X-Tenancy-Ref', value: 'T-1234' }]));
    const atts = await graph.api(`/users/${asb}/messages/${m.id}/attachments`).get();
    const inline = atts.value.find((a: any) => a.name === 'photo.png');
    expect(inline).toMatchObject({ isInline: true, contentId: 'photo@tenant', contentType: 'image/png', size: png.length });
    const bytes = Buffer.from(await graph.api(`/users/${asb}/messages/${m.id}/attachments/${inline.id}/$value`).responseType(ResponseType.ARRAYBUFFER).get());
    expect(bytes.equals(png)).toBe(true);

    await transport.sendMail({ from: 'tenant@example.org', to: asb, subject: 'Re: Noise from flat 3', text: 'Still loud.', inReplyTo: first.messageId, references: [first.messageId] });
    const reply = await graph.api(inbox(asb)).filter("subject eq 'Re: Noise from flat 3'").select('conversationId').get();
    expect(reply.value[0].conversationId).toBe(m.conversationId);
  });

  it('rejects an unknown recipient with 550 and still delivers to the known one', async () => {
    const info = await transport.sendMail({ from: 'x@example.org', to: [repairs, `nobody@housingorganisation.co.uk`], subject: 'Partly deliverable', text: 'hi' });
    expect(info.rejected).toEqual(['nobody@housingorganisation.co.uk']);
    expect(info.rejectedErrors?.[0].message).toMatch(/550/);
    const got = await graph.api(inbox(repairs)).filter("subject eq 'Partly deliverable'").get();
    expect(got.value).toHaveLength(1);
  });

  it('keeps odd but legal mail: a 10,000-character subject, a zero-byte attachment, Latin-1 text, no From header', async () => {
    const subject = 'S'.repeat(10_000);
    await transport.sendMail({ from: 'x@example.org', to: repairs, subject, text: 'body', attachments: [{ filename: 'empty.bin', content: Buffer.alloc(0) }] });
    const long = await graph.api(inbox(repairs)).filter(`subject eq '${subject}'`).select('subject,hasAttachments').get();
    expect(long.value).toHaveLength(1);
    const atts = await graph.api(`/users/${repairs}/messages/${long.value[0].id}/attachments`).get();
    expect(atts.value[0]).toMatchObject({ name: 'empty.bin', size: 0 });

    const latin1 = Buffer.concat([
      Buffer.from(`To: <${repairs}>\r\nSubject: =?ISO-8859-1?Q?Caf=E9_noise?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
      Buffer.from([0x4e, 0x6f, 0xeb, 0x6c, 0x20, 0xa3, 0x35]), // "Noël £5" in Latin-1
    ]);
    await transport.sendMail({ envelope: { from: '', to: [repairs] }, raw: latin1 });
    const got = await graph.api(inbox(repairs)).filter("subject eq 'Café noise'").select('subject,from,body').get();
    expect(got.value).toHaveLength(1);
    expect(got.value[0].body.content.trim()).toBe('Noël £5');
    expect(got.value[0].from).toBeNull();
  });

  it('keeps 8-bit MIME byte for byte: $value returns exactly the bytes that came in', async () => {
    const raw = Buffer.concat([
      Buffer.from(`From: <x@example.org>\r\nTo: <${repairs}>\r\nSubject: Eight bit\r\nMessage-ID: <eight-bit@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
      Buffer.from([0x4e, 0x6f, 0xeb, 0x6c, 0x20, 0xa3, 0x35, 0x20, 0xff, 0xfe, 0x80, 0x0d, 0x0a]),
    ]);
    await transport.sendMail({ envelope: { from: 'x@example.org', to: [repairs] }, raw });
    const got = await graph.api(inbox(repairs)).filter("subject eq 'Eight bit'").select('id').get();
    const bytes = Buffer.from(await graph.api(`/users/${repairs}/messages/${got.value[0].id}/$value`).responseType(ResponseType.ARRAYBUFFER).get());
    expect(bytes.equals(raw)).toBe(true);
  });

  it('delivers input with no header block as Exchange does: all of it the body, the envelope sender as From, no field its sender wrote', async () => {
    const garbage = Buffer.from([0x00, 0x9f, 0x92, 0x96, 0x20, 0x6e, 0x6f, 0x20, 0x68, 0x65, 0x61, 0x64, 0x65, 0x72, 0x73, 0x0d, 0x0a, 0xc3, 0x28, 0x0d, 0x0a]);
    await transport.sendMail({ envelope: { from: 'someone@garbage.example', to: [repairs] }, raw: garbage });
    const all = await graph.api(inbox(repairs)).select('id,subject,from,internetMessageHeaders,internetMessageId').top(100).get();
    const m = all.value.find((x: any) => x.from?.emailAddress?.address === 'someone@garbage.example');
    expect(m).toBeDefined();
    expect(m.subject).toBe('');
    expect(m.internetMessageId).toMatch(/^<.+>$/);
    const names = m.internetMessageHeaders.map((hd: any) => hd.name.toLowerCase());
    expect(names).not.toContain('from');
    expect(names).not.toContain('subject');
    const bytes = Buffer.from(await graph.api(`/users/${repairs}/messages/${m.id}/$value`).responseType(ResponseType.ARRAYBUFFER).get());
    expect(bytes.subarray(bytes.length - garbage.length).equals(garbage)).toBe(true);
  });

  it('composes MIME with RFC 2047 display names and RFC 2231 file names (MailComposer)', async () => {
    const name = 'O\'Brien "Jim" Ärger';
    const file = 'Bericht über "März" ' + 'x'.repeat(80) + '.pdf';
    const draft = await graph.api(`/users/${asb}/messages`).post({
      subject: 'Grüße "quoted"',
      body: { contentType: 'text', content: 'Hallo' },
      toRecipients: [{ emailAddress: { name, address: 'jim@example.org' } }],
      attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: file, contentType: 'application/pdf', contentBytes: Buffer.from('%PDF-1.4 x').toString('base64') }],
    });
    const bytes = Buffer.from(await graph.api(`/users/${asb}/messages/${draft.id}/$value`).responseType(ResponseType.ARRAYBUFFER).get());
    expect(bytes.toString('latin1')).toMatch(/filename\*0\*?=/);
    const parsed = await simpleParser(bytes);
    expect(parsed.subject).toBe('Grüße "quoted"');
    expect((parsed.to as any).value[0]).toEqual({ name, address: 'jim@example.org' });
    expect(parsed.attachments[0].filename).toBe(file);
    expect(parsed.attachments[0].content.toString()).toBe('%PDF-1.4 x');
  });

  it('survives malformed mail and keeps serving', async () => {
    const replies = await rawSmtp(h.emu.smtp.port, [
      'EHLO hostile.example',
      'MAIL FROM:<evil@hostile.example>',
      `RCPT TO:<${repairs}>`,
      'DATA',
      'Subject: =?UTF-8?B?broken-encoded-word\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\nFrom: <<<>>>\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n.',
      'QUIT',
    ]);
    expect(replies).toMatch(/^250 .*(queued|OK|Accepted)/im);
    const after = await transport.sendMail({ from: 'x@example.org', to: repairs, subject: 'After the storm', text: 'ok' });
    expect(after.accepted).toEqual([repairs]);
    const all = await graph.api(inbox(repairs)).select('subject').top(100).get();
    expect(all.value.map((m: any) => m.subject)).toContain('After the storm');
    expect(all.value.length).toBeGreaterThanOrEqual(3);
  });
});
