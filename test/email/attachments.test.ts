// Outbound attachments against the emulator with Exchange's documented limits on (the 4 MB request
// cap, no upload session under 3 MB, no bearer token on the uploadUrl, the 35 MB message size limit):
// each email arrives exactly once with its files intact. Issue 15 §1, §2, §4 and its "Done when".
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { sendEmail } from '../../src/app/email/enqueue.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { AppError } from '../../src/errors.ts';
import { demoMailboxes } from '../graph/harness.ts';
import { startEmailWorld, type EmailWorld } from './setup.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld();
}, 120_000);
afterAll(() => w?.stop());

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The recipient's copies of `subject`, each attachment's name, size and SHA-256 as the emulator holds it. */
async function received(subject: string): Promise<{ name: string; size: number; sha256: string }[][]> {
  const copies = (await w.h.messages(demoMailboxes.asb)).filter((m) => m.subject === subject) as unknown as { attachments: { name: string; size: number; contentFile?: string; contentBytes?: string }[] }[];
  const out = [];
  for (const m of copies) {
    const atts = [];
    for (const a of m.attachments) {
      let bytes: Buffer;
      if (a.contentFile) {
        const parts: Buffer[] = [];
        for await (const c of w.h.emulator.core.content.open(a as never)) parts.push(c as Buffer);
        bytes = Buffer.concat(parts);
      } else bytes = Buffer.from(a.contentBytes ?? '', 'base64');
      atts.push({ name: a.name, size: a.size, sha256: sha(bytes) });
    }
    out.push(atts.sort((x, y) => x.name.localeCompare(y.name)));
  }
  return out;
}

async function sendAndCheck(subject: string, files: { name: string; size: number }[], body = 'Please find attached.') {
  const atts = files.map((f) => ({ name: f.name, contentType: 'application/pdf', content: randomBytes(f.size) }));
  const { id } = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [demoMailboxes.asb], subject, text: body, attachments: atts });
  const r = await drainOutbox(w.t.ctx);
  const row = await w.t.ctx.db.selectFrom('email_outbox').select(['status', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
  expect(row, `${subject}: ${row.last_error}`).toMatchObject({ status: 'sent' });
  expect(r.dead).toBe(0);
  const copies = await received(subject);
  expect(copies).toHaveLength(1);
  expect(copies[0]).toEqual(atts.map((a) => ({ name: a.name, size: a.content.length, sha256: sha(a.content) })).sort((x, y) => x.name.localeCompare(y.name)));
  // The outbox keeps the bytes in the blob store, not in the database.
  const stored = await w.t.ctx.db.selectFrom('email_outbox_attachments').select(['blob_sha256', 'content']).where('email_id', '=', id).execute();
  expect(stored.every((s) => s.blob_sha256 && s.content === null)).toBe(true);
}

describe('attachments budgeted on the encoded request (4 MB cap)', () => {
  it('sends three 1 MiB files', () => sendAndCheck('three 1 MiB', [1, 2, 3].map((i) => ({ name: `part${i}.pdf`, size: MiB }))));
  it('sends two 1.5 MiB files', () => sendAndCheck('two 1.5 MiB', [1, 2].map((i) => ({ name: `half${i}.pdf`, size: 1.5 * MiB }))));
  it('sends one 3 MiB file', () => sendAndCheck('one 3 MiB', [{ name: 'plan.pdf', size: 3 * MiB }]));
  it('sends 2.9 MiB with a 200 kB body', () => sendAndCheck('2.9 MiB and a long body', [{ name: 'survey.pdf', size: Math.round(2.9 * MiB) }], 'x'.repeat(200_000)));
  it('sends 2.9 MB (decimal) with a 200 kB body: alone in a POST, not in the create request', () => sendAndCheck('2.9 MB and a long body', [{ name: 'survey.pdf', size: 2_900_000 }], 'y'.repeat(200_000)));
});

describe('the sizes of the issue, each arriving exactly once', () => {
  for (const mb of [1, 2.9, 3.5, 20, 34]) {
    it(`sends a ${mb} MB attachment`, () => sendAndCheck(`${mb} MB attachment`, [{ name: `file-${mb}.pdf`, size: Math.round(mb * MiB) }]), 120_000);
  }
});

describe('upload sessions after a lost answer', () => {
  it('resumes where the session says (nextExpectedRanges) when the answer to a range is lost', async () => {
    // The first range arrives but its answer does not: re-offered, it is answered 416 with the next byte.
    await w.h.admin('POST', '/faults', { routePattern: '^PUT /_uploads/', kind: 'accept-then-drop', count: 1 });
    await w.h.admin('POST', '/faults', { routePattern: '^PUT /_uploads/', kind: 'reset', count: 1 });
    try {
      await sendAndCheck('upload with a lost range', [{ name: 'big.pdf', size: 10 * MiB }]);
    } finally {
      await w.h.admin('DELETE', '/faults');
    }
    const log = (await w.h.admin('GET', '/requests?limit=200')).body.value as { method: string; path: string; status: number; fault?: string }[];
    const puts = log.filter((r) => r.method === 'PUT' && r.path.startsWith('/_uploads/'));
    expect(puts.some((r) => r.status === 416)).toBe(true);
    expect(puts.filter((r) => r.fault).length).toBe(2);
  }, 120_000);
});

describe("the tenant's message size limit", () => {
  it('refuses to queue an email over it (35 MB by default), naming the field', async () => {
    const err = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [demoMailboxes.asb], subject: 'too big', text: 'x', attachments: [{ name: 'huge.pdf', contentType: 'application/pdf', content: Buffer.alloc(36 * MiB) }] }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('validation');
    expect(err.message).toMatch(/35 MB/);
    expect(err.fields[0].field).toBe('attachments');
    const n = await w.t.ctx.db.selectFrom('email_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('subject', '=', 'too big').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });
});
