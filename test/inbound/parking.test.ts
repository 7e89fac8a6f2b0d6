// Hostile mail cannot stall an inbox (issue 14 §5–§7, §12): a pathological body is read in linear
// time; a message that fails, overruns its budget or took the reader down is parked after a few
// attempts with its whole raw source, and the mail behind it still becomes tasks; reports raise no
// task; input that is not an email is parked, not made a task from its envelope sender; no staged
// attachment file outlives its run.
import { readdir, mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { replayParked, syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { parkedRawSource } from '../../src/app/inbound/poll-inboxes.ts';
import { sweepStaleStaging } from '../../src/app/inbound/policy.ts';
import type { MailboxGateway } from '../../src/app/ports/graph.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';

let w: InboundWorld;
const inbox = { code: 'COMPLAINTS', mailbox: demoMailboxes.complaints };
const CRLF = '\r\n';

beforeAll(async () => {
  w = await startInboundWorld();
  await w.sync('COMPLAINTS'); // the inbox is enabled before the mail below arrives
}, 60_000);
afterAll(async () => w?.stop());

const emails = (subject: string) => w.t.ctx.db.selectFrom('inbound_emails').selectAll().where('subject', '=', subject).execute();
const parkedRow = (graphId: string) => w.t.ctx.db.selectFrom('inbound_parked').selectAll().where('graph_id', '=', graphId).executeTakeFirst();
const idOf = async (subject: string) => {
  const u = Object.values(w.emulator.state.users).find((x) => x.userPrincipalName === demoMailboxes.complaints)!;
  return Object.values(u.mailbox.messages).find((m) => m.subject === subject)!.immutableId;
};
const stagingFiles = async () => readdir(path.join(w.t.ctx.config.dataDir, 'blobs', 'tmp')).catch(() => [] as string[]);
const text = async (s: NodeJS.ReadableStream) => {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

describe('hostile mail and the inbox run', () => {
  it('reads a 1 MB pathological HTML body (150,000 unclosed <style> tags, 100,000 nested <div>s) and the mail behind it, and both become tasks', async () => {
    const evil = '<style>'.repeat(75_000) + '</style>' + '<div>'.repeat(100_000) + 'Please fix my boiler';
    expect(evil.length).toBeGreaterThan(1_000_000);
    await w.mail({ from: 'r1@example.org', to: demoMailboxes.complaints, subject: 'Pathological body', html: evil });
    await w.mail({ from: 'r2@example.org', to: demoMailboxes.complaints, subject: 'Behind the pathological one', text: 'The lift is broken' });
    const run = await syncInbox(w.t.ctx, inbox, { gateway: w.graph.mail, messageBudgetMs: 60_000 });
    expect(run).toMatchObject({ ok: true, imported: 2, parked: 0 });
    const [evilRow] = await emails('Pathological body');
    expect(evilRow.body_text).toContain('Please fix my boiler');
    expect(await w.raiseEvents()).toMatchObject({ ok: true, tasks: 2 });
    expect((await emails('Behind the pathological one'))[0].task_id).not.toBeNull();
  });

  it('parks a message whose every read overruns its budget, with its whole raw source, and stores the mail behind it in the same run', async () => {
    await w.mail({ from: 'r3@example.org', to: demoMailboxes.complaints, subject: 'Hangs the reader', text: 'x'.repeat(1000) });
    await w.mail({ from: 'r4@example.org', to: demoMailboxes.complaints, subject: 'Behind the hanging one', text: 'Damp in the bedroom' });
    const stuck = await idOf('Hangs the reader');
    let reads = 0;
    const hanging: MailboxGateway = {
      ...w.graph.mail,
      getMessage: (mb, id, o) => (id === stuck ? (reads++, new Promise(() => {})) : w.graph.mail.getMessage(mb, id, o)),
    };
    const run = await syncInbox(w.t.ctx, inbox, { gateway: hanging, messageBudgetMs: 200, maxAttempts: 3 });
    expect(run).toMatchObject({ ok: true, imported: 1, parked: 1 });
    expect(reads).toBe(3);
    const p = (await parkedRow(stuck))!;
    expect(p).toMatchObject({ status: 'parked', attempts: 3 });
    expect(p.reason).toMatch(/overran its budget of 200 ms \(after 3 attempts\)/);
    const raw = await parkedRawSource(w.t.ctx, p.id, OPERATOR_VIEWER);
    expect(raw.truncated).toBe(false);
    expect((await text(raw.stream)).toString()).toContain('Subject: Hangs the reader');
    expect(await emails('Behind the hanging one')).toHaveLength(1);
    // Never read again: the next run goes past it.
    expect(await syncInbox(w.t.ctx, inbox, { gateway: hanging, messageBudgetMs: 200 })).toMatchObject({ ok: true, imported: 0, parked: 0 });
    expect(reads).toBe(3);
  });

  it('parks, without reading it again, a message whose reads never finished (the process died reading it)', async () => {
    await w.mail({ from: 'r5@example.org', to: demoMailboxes.complaints, subject: 'Crashes the reader', text: 'boom' });
    const id = await idOf('Crashes the reader');
    // Three runs began reading it and never came back (kill -9, out of memory …).
    const at = new Date();
    await w.t.ctx.db.insertInto('inbound_message_attempts').values({ inbox: 'COMPLAINTS', graph_id: id, attempts: 3, first_at: at, last_at: at }).execute();
    let reads = 0;
    const counting: MailboxGateway = { ...w.graph.mail, getMessage: (mb, mid, o) => (mid === id && reads++, w.graph.mail.getMessage(mb, mid, o)) };
    expect(await syncInbox(w.t.ctx, inbox, { gateway: counting })).toMatchObject({ ok: true, parked: 1 });
    expect(reads).toBe(0);
    expect((await parkedRow(id))!.reason).toMatch(/^Not stored after 3 attempts; last: the read never finished/);
    expect(await w.t.ctx.db.selectFrom('inbound_message_attempts').selectAll().where('graph_id', '=', id).execute()).toHaveLength(0);
  });

  it('stops at its deadline without losing anything: the next run reads on from the saved cursor', async () => {
    await w.mail({ from: 'r6@example.org', to: demoMailboxes.complaints, subject: 'After a deadline', text: 'ok' });
    const late = await syncInbox(w.t.ctx, inbox, { gateway: w.graph.mail, deadlineMs: 0 });
    expect(late).toMatchObject({ ok: false, imported: 0 });
    expect(late.error).toMatch(/^timed out/);
    expect(await syncInbox(w.t.ctx, inbox, { gateway: w.graph.mail })).toMatchObject({ ok: true, imported: 1 });
  });

  it('raises no task for read receipts and delivery reports (multipart/report of any report-type)', async () => {
    const report = (subject: string, type: string, part: string) =>
      [`From: Mail Delivery <postmaster@example.org>`, `To: ${demoMailboxes.complaints}`, `Subject: ${subject}`, `Message-ID: <${type}@example.org>`, 'MIME-Version: 1.0', `Content-Type: multipart/report; report-type=${type}; boundary="r"`, '',
        '--r', 'Content-Type: text/plain', '', 'Report', '--r', `Content-Type: ${part}`, '', 'Final-Recipient: rfc822; x@example.org', '--r--', ''].join(CRLF);
    await w.raiseEvents(); // the mail of the tests before
    await w.mail({ envelope: { from: 'postmaster@example.org', to: [demoMailboxes.complaints] }, raw: report('Read: your letter', 'disposition-notification', 'message/disposition-notification') });
    await w.mail({ envelope: { from: '', to: [demoMailboxes.complaints] }, raw: report('Undeliverable: your letter', 'delivery-status', 'message/delivery-status') });
    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 2 });
    expect(await w.raiseEvents()).toMatchObject({ tasks: 0 });
    for (const s of ['Read: your letter', 'Undeliverable: your letter']) expect((await emails(s))[0]).toMatchObject({ disposition: 'auto_reply', task_id: null });
  });

  it('parks input that is not an email with its raw source, instead of a "(no subject)" task from the envelope sender', async () => {
    const garbage = Buffer.from([0x00, 0x8f, 0xfe, 0x20, 0x6e, 0x6f, 0x74, 0x20, 0x6d, 0x61, 0x69, 0x6c, 0x0d, 0x0a, 0xc3, 0x28, 0x0d, 0x0a]);
    await w.mail({ envelope: { from: 'bot@garbage.example', to: [demoMailboxes.complaints] }, raw: garbage });
    const before = (await w.t.ctx.db.selectFrom('inbound_emails').select('id').execute()).length;
    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 0, parked: 1 });
    expect((await w.t.ctx.db.selectFrom('inbound_emails').select('id').execute()).length).toBe(before);
    const p = await w.t.ctx.db.selectFrom('inbound_parked').selectAll().where('reason', 'like', 'Not an email%').executeTakeFirstOrThrow();
    const raw = await text((await parkedRawSource(w.t.ctx, p.id, OPERATOR_VIEWER)).stream);
    expect(raw.subarray(raw.length - garbage.length).equals(garbage)).toBe(true);
    // A replay does not turn it into an email either.
    expect(await replayParked(w.t.ctx, w.graph.mail, { inbox: p.inbox, mailbox: p.mailbox, graphId: p.graph_id }, 'ada')).toMatchObject({ ok: false, reason: expect.stringMatching(/^Not an email/) });
    expect((await w.t.ctx.db.selectFrom('inbound_emails').select('id').execute()).length).toBe(before);
  });

  it('parks an email the database refuses, stores the rest of its page, and leaves no staged file of it', async () => {
    await sql`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.subject = 'Refused by the database' THEN RAISE EXCEPTION 'simulated: row refused'; END IF; RETURN NEW; END $$`.execute(w.t.ctx.db);
    await sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON inbound_emails FOR EACH ROW EXECUTE FUNCTION refuse_poison()`.execute(w.t.ctx.db);
    try {
      await w.mail({ from: 'r8@example.org', to: demoMailboxes.complaints, subject: 'Refused by the database', text: 'x', attachments: [{ filename: 'a.pdf', content: Buffer.from('%PDF-1.4 refused') }] });
      await w.mail({ from: 'r9@example.org', to: demoMailboxes.complaints, subject: 'Stored beside the refused one', text: 'y' });
      expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 1, parked: 1 });
      expect((await parkedRow(await idOf('Refused by the database')))!.reason).toMatch(/^Could not be stored: .*simulated: row refused/);
      expect(await emails('Stored beside the refused one')).toHaveLength(1);
      expect(await stagingFiles()).toEqual([]);
    } finally {
      await sql`DROP TRIGGER refuse_poison ON inbound_emails; DROP FUNCTION refuse_poison()`.execute(w.t.ctx.db);
    }
  });

  it('leaves no staged attachment file behind for a duplicate email, and sweeps stale staging files', async () => {
    const pdf = { filename: 'a.pdf', content: Buffer.from('%PDF-1.4 duplicate') };
    for (let i = 0; i < 2; i++) await w.mail({ from: 'r7@example.org', to: demoMailboxes.complaints, subject: 'Sent twice', messageId: '<twice@example.org>', text: 'x', attachments: [pdf] });
    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 1, duplicates: 1 });
    expect(await stagingFiles()).toEqual([]);
    // What a kill -9 mid-download leaves: swept once stale, a fresh one kept.
    const tmp = path.join(w.t.ctx.config.dataDir, 'blobs', 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, 'left-by-a-crash'), 'x');
    await writeFile(path.join(tmp, 'in-progress'), 'y');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(tmp, 'left-by-a-crash'), old, old);
    expect(await sweepStaleStaging(w.t.ctx, Date.now() + 11 * 60_000)).toBe(1);
    expect(await stagingFiles()).toEqual(['in-progress']);
  });
});
