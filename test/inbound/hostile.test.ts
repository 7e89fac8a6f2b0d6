// A hostile-mail corpus (generated here, 60 messages) through the SMTP door: nothing crashes the run
// or stops the inbox; every message is either stored or parked for attention, none is dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { getTaskDetails } from '../../src/app/tasks/task-details.ts';
import { sanitizeEmailHtml } from '../../src/transport/http/pages/task-email.tsx';

let w: InboundWorld;
beforeAll(async () => {
  w = await startInboundWorld();
  await w.sync('COMPLAINTS'); // enable the inbox before the corpus arrives
}, 60_000);
afterAll(async () => w?.stop());

const to = demoMailboxes.complaints;
const CRLF = '\r\n';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64').replace(/.{76}/g, `$&${CRLF}`);
const msg = (headers: string[], body: string) => [...headers, '', body].join(CRLF);
const std = (n: number, extra: string[] = []) => [`From: Resident ${n} <r${n}@example.org>`, `To: ${to}`, `Subject: Hostile ${n}`, `Message-ID: <hostile-${n}@example.org>`, 'MIME-Version: 1.0', ...extra];

function corpus(): string[] {
  const c: string[] = [];
  const n = () => c.length + 1;
  c.push(msg([`To: ${to}`, 'Subject: No sender at all', 'Message-ID: <nosender@example.org>'], 'Who sent this?'));
  c.push(msg(std(n(), []).map((h) => (h.startsWith('Subject') ? `Subject: ${'A very long subject '.repeat(500)}` : h)), 'Long subject body'));
  c.push(msg(std(n(), ['Content-Type: text/plain; charset=koi8-r', 'Content-Transfer-Encoding: 8bit']).map((h) => (h.startsWith('Subject') ? 'Subject: =?koi8-r?B?8NLJ18XU?=' : h)), '\xf0\xd2\xc9\xd7\xc5\xd4'));
  c.push(msg(std(n(), ['Content-Type: text/plain; charset=x-no-such-charset']), 'Unknown charset body'));
  c.push(msg(std(n(), ['Content-Type: text/plain; charset=ISO-2022-JP', 'Content-Transfer-Encoding: 7bit']), '\x1b$B$3$s$K$A$O\x1b(B'));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="never-used"']), 'No boundary ever appears in this body.'));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b1"']), `--b1${CRLF}Content-Type: text/plain${CRLF}${CRLF}Unclosed multipart, no final boundary`));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}Text${CRLF}--b${CRLF}Content-Type: application/pdf; name="broken.pdf"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-Disposition: attachment; filename="broken.pdf"${CRLF}${CRLF}!!!not base64 at all***${CRLF}--b--`));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}Zero-byte attachment${CRLF}--b${CRLF}Content-Type: application/pdf${CRLF}Content-Disposition: attachment; filename="empty.pdf"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${CRLF}--b--`));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}No file name${CRLF}--b${CRLF}Content-Type: application/octet-stream${CRLF}Content-Disposition: attachment${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${b64('MZ binary')}${CRLF}--b--`));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}Path traversal name${CRLF}--b${CRLF}Content-Type: application/pdf${CRLF}Content-Disposition: attachment; filename="../../../etc/passwd.pdf"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${b64('%PDF-1.4 x')}${CRLF}--b--`));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}RTL override name${CRLF}--b${CRLF}Content-Type: application/pdf${CRLF}Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${b64('MZ\x90\x00')}${CRLF}--b--`));
  const scripts = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>', '<iframe src="https://evil.example"></iframe>', '<object data="x.swf"></object>', '<div style="background:url(javascript:alert(1))">css</div>', '<svg><script>alert(1)</script></svg>', '<form action="https://evil.example"><input name=p></form>', '<meta http-equiv="refresh" content="0;url=https://evil.example">', '<base href="https://evil.example/">'];
  for (const s of scripts) c.push(msg(std(n(), ['Content-Type: text/html; charset=utf-8']), `<html><body><p>Hello</p>${s}</body></html>`));
  c.push(msg(std(n(), ['Content-Type: text/plain; charset=utf-8']), 'NUL here:\x00 and there\x00.'));
  c.push(msg(std(n(), ['Content-Type: text/plain']), 'x'.repeat(200_000)));
  let nested = 'Deepest text';
  for (let d = 0; d < 30; d++) nested = `--d${d}${CRLF}Content-Type: ${d === 0 ? 'text/plain' : `multipart/mixed; boundary="d${d - 1}"`}${CRLF}${CRLF}${nested}${CRLF}--d${d}--`;
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="d29"']), nested));
  const many = Array.from({ length: 40 }, (_, i) => `--b${CRLF}Content-Type: text/plain${CRLF}Content-Disposition: attachment; filename="note${i}.txt"${CRLF}${CRLF}note ${i}`).join(CRLF);
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `${many}${CRLF}--b--`));
  c.push(msg(std(n()).map((h) => (h.startsWith('Subject') ? 'Subject: Injected\r\nBcc: everyone@example.org' : h)), 'CRLF in subject'));
  c.push(msg(std(n()).map((h) => (h.startsWith('Message-ID') ? 'Message-ID: <nosender@example.org>' : h)), 'Duplicate Message-ID of another message'));
  c.push(msg(std(n()).filter((h) => !h.startsWith('Message-ID')), 'No Message-ID'));
  c.push(msg([...std(n()), `In-Reply-To: ${Array.from({ length: 3000 }, (_, i) => `<r${i}@x>`).join(' ')}`], 'Thousands of In-Reply-To ids'));
  c.push(msg([...std(n()), 'Date: not a date at all'], 'Bad date'));
  c.push(msg(std(n()).filter((h) => !h.startsWith('To:')), 'No To header'));
  c.push(msg(std(n(), ['Content-Type: text/plain', 'Content-Transfer-Encoding: 8bit']), 'Caf\xe9 without a charset'));
  c.push(msg(std(n(), ['Content-Type: text/plain; charset=utf-16', 'Content-Transfer-Encoding: base64']), b64(Buffer.from('\ufeffHello UTF-16', 'utf16le'))));
  c.push(msg(std(n()).map((h) => (h.startsWith('Subject') ? 'Subject: =?utf-8?B?8J+SqSDwn5Sl?= emoji' : h)), 'Emoji'));
  c.push(msg(std(n()), ''));
  c.push(msg(std(n(), ['Content-Type: text/plain', 'Content-Transfer-Encoding: quoted-printable']), 'Broken =ZZ quoted =\r\nprintable =E2=80'));
  c.push(msg(std(n(), ['Content-Type: text/plain']), 'begin 644 evil.exe\r\nM35H`\r\n`\r\nend'));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}Attached email${CRLF}--b${CRLF}Content-Type: message/rfc822${CRLF}${CRLF}From: inner@example.org${CRLF}Subject: Inner${CRLF}${CRLF}Inner body${CRLF}--b--`));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}TNEF${CRLF}--b${CRLF}Content-Type: application/ms-tnef; name="winmail.dat"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${b64(Buffer.from([0x78, 0x9f, 0x3e, 0x22, 1, 2, 3]))}${CRLF}--b--`));
  c.push(msg(std(n(), ['Content-Type: text/calendar; method=REQUEST']), 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Meet\r\nEND:VEVENT\r\nEND:VCALENDAR'));
  c.push(msg(std(n(), ['Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m', 'Content-Transfer-Encoding: base64']), b64(Buffer.from([0x30, 0x82, 0x01, 0x00, 9, 9]))));
  c.push(msg([...std(n()), ...Array.from({ length: 500 }, (_, i) => `X-Junk-${i}: ${'v'.repeat(50)}`)], '500 headers'));
  c.push(msg(std(n()).map((h) => (h.startsWith('From') ? 'From: =?utf-8?Q?=E2=80=AEevil?= <"weird\\"quote"@example.org>' : h)), 'Odd From'));
  c.push(msg(std(n()).map((h) => (h.startsWith('From') ? 'From: not an address at all' : h)), 'Bad From'));
  c.push(msg(std(n(), ['Content-Type: text/html']), '<p>unclosed <b><i><table><tr><td>' + '<div>'.repeat(2000)));
  c.push(msg(std(n(), ['Content-Type: multipart/related; boundary="b"']), `--b${CRLF}Content-Type: text/html${CRLF}${CRLF}<img src="cid:missing@x"><img src="cid:real@x">${CRLF}--b${CRLF}Content-Type: image/png${CRLF}Content-ID: <real@x>${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${b64(Buffer.from('89504e470d0a1a0a0000000d494844520000000100000001', 'hex'))}${CRLF}--b--`));
  c.push(msg(std(n(), ['Content-Type: multipart/mixed; boundary="b"']), `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}Image that is not an image${CRLF}--b${CRLF}Content-Type: image/jpeg${CRLF}Content-Disposition: attachment; filename="photo.jpg"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${b64('<?php system($_GET[c]); ?>')}${CRLF}--b--`));
  c.push(msg([...std(n()), 'Auto-Submitted: auto-generated'], 'Delivery report'));
  c.push(msg([...std(n()), 'Precedence: junk'], 'Junk'));
  c.push(msg([...std(n()), 'Content-Type: text/plain; charset="utf-8'], 'Unterminated quote in a parameter'));
  c.push(msg([...std(n()), 'Content-Type: ;;;===;;'], 'Nonsense content type'));
  c.push(msg([...std(n()), 'Content-Transfer-Encoding: x-unknown-encoding'], 'Unknown transfer encoding'));
  // Random bytes, some with NULs and invalid UTF-8, as bodies.
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  while (c.length < 60) {
    const bytes = Buffer.from(Array.from({ length: 200 + Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256)));
    c.push(msg(std(n(), ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit']), bytes.toString('latin1').replace(/\r?\n\.\r?\n/g, '\n..\n')));
  }
  return c;
}

describe('a hostile-mail corpus', () => {
  it('stores or parks every one of 60 hostile messages, and the inbox keeps working', async () => {
    const raw = corpus();
    expect(raw.length).toBeGreaterThanOrEqual(50);
    for (const r of raw) await w.mail({ envelope: { from: 'hostile@example.org', to: [to] }, raw: Buffer.from(r, 'latin1') });
    const delivered = Object.values(Object.values(w.emulator.state.users).find((u) => u.userPrincipalName === to)!.mailbox.messages).filter((m) => !m.isDraft);
    expect(delivered.length).toBeGreaterThanOrEqual(50);

    const run = await w.sync('COMPLAINTS');
    expect(run.ok).toBe(true);
    const stored = await w.t.ctx.db.selectFrom('inbound_emails').select(['graph_id', 'disposition']).where('inbox', '=', 'COMPLAINTS').execute();
    const parked = await w.t.ctx.db.selectFrom('inbound_parked').select('graph_id').where('inbox', '=', 'COMPLAINTS').execute();
    // Every delivered message is accounted for: stored once, or on the Needs attention list. The one
    // that repeats another's Message-ID is the internetMessageId cross-check's duplicate.
    expect(stored.length + parked.length + run.duplicates).toBe(delivered.length);
    expect(new Set(stored.map((s) => s.graph_id)).size).toBe(stored.length);
    expect(run.duplicates).toBe(1);
    expect(stored.filter((s) => s.disposition === 'auto_reply').length).toBe(2);

    const events = await w.raiseEvents();
    expect(events.ok).toBe(true);
    expect(events.tasks).toBe(stored.filter((s) => s.disposition === 'new').length);

    // A task's details render for every stored email, and no HTML body keeps a script after sanitising.
    const tasks = await w.t.ctx.db.selectFrom('tm_tasks').select('id').where('inbox', '=', 'COMPLAINTS').execute();
    for (const t of tasks) {
      const d = await getTaskDetails(w.t.ctx, w.complaintsOfficer, t.id);
      for (const e of d.emails) {
        if (!e.bodyHtml) continue;
        const clean = sanitizeEmailHtml(e.bodyHtml, { inline: new Map(), remoteImages: false }).html;
        expect(clean).not.toMatch(/<script|<iframe|<object|<form|<meta|<base|javascript:|onerror=/i);
      }
    }
    // The inbox still works after the corpus.
    await w.mail({ from: 'calm@example.org', to, subject: 'A normal email afterwards', text: 'Hello.' });
    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 1 });
  }, 120_000);
});
