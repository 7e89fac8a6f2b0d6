// Inbound email end to end against the emulator: mail in through its SMTP door and admin API, read
// through message delta by the Graph adapter, stored, raised as tasks by the guide's event query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { getTask, listTasks, setTaskStatus } from '../../src/app/tasks/tasks.ts';
import { requestBackfill } from '../../src/app/inbound/poll-inboxes.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { replyToTask } from '../../src/app/tasks/reply-to-task.ts';
import { getTaskDetails } from '../../src/app/tasks/task-details.ts';

let w: InboundWorld;
beforeAll(async () => {
  w = await startInboundWorld();
  // The first run of an inbox marks the moment it was enabled: only later mail is imported.
  await w.admin('POST', `/users/${demoMailboxes.asb}/messages`, { subject: 'Sent before housing365 was switched on', receivedDateTime: new Date(Date.now() - 3 * 86_400_000).toISOString() });
  await w.sync('ASB');
  await w.sync('COMPLAINTS');
}, 60_000);
afterAll(async () => w?.stop());

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n'), Buffer.alloc(4000, 0x41)]);
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(4000, 0)]);

const emails = (subject: string) => w.t.ctx.db.selectFrom('inbound_emails').selectAll().where('subject', '=', subject).execute();

describe('inbound email through the emulator', () => {
  it('turns each email into exactly one task, keeping allowed attachments and recording a renamed .exe as rejected', async () => {
    await w.mail({
      from: 'Ms Tenant <tenant@example.org>', to: demoMailboxes.asb, subject: 'Noise from flat 3', text: 'Every night.', html: '<p>Every night.</p>',
      attachments: [{ filename: 'diary.pdf', content: PDF }, { filename: 'invoice.pdf', content: EXE }, { filename: 'setup.exe', content: EXE }],
    });
    await w.mail({ from: 'tenant2@example.org', to: demoMailboxes.complaints, subject: 'Repair still not done', text: 'Third time.' });
    const asb = await w.sync('ASB');
    const cmp = await w.sync('COMPLAINTS');
    expect(asb).toMatchObject({ ok: true, imported: 1 });
    expect(cmp).toMatchObject({ ok: true, imported: 1 });
    expect(await emails('Sent before housing365 was switched on')).toHaveLength(0);
    expect((await w.raiseEvents())).toMatchObject({ ok: true, events: 2, tasks: 2 });
    // Nothing new on the next runs.
    expect(await w.sync('ASB')).toMatchObject({ ok: true, imported: 0 });
    expect(await w.raiseEvents()).toMatchObject({ events: 0 });

    const [noise] = await emails('Noise from flat 3');
    expect(noise.task_id).not.toBeNull();
    const atts = await w.t.ctx.db.selectFrom('inbound_attachments').selectAll().where('email_id', '=', noise.id).orderBy('name').execute();
    expect(atts.map((a) => [a.name, a.detected_type, a.blob_sha256 !== null, a.rejected_reason?.slice(0, 40) ?? null])).toEqual([
      ['diary.pdf', 'PDF', true, null],
      ['invoice.pdf', 'a Windows program (MZ header)', false, 'The name says PDF document (.pdf) but th'],
      ['setup.exe', 'a Windows program (MZ header)', false, '.exe files are not a permitted type (EMA'],
    ]);
    // Marked read in Outlook, so staff see it was taken.
    const inOutlook = Object.values(w.emulator.state.users).find((u) => u.userPrincipalName === demoMailboxes.asb)!.mailbox.messages;
    expect(Object.values(inOutlook).find((m) => m.subject === 'Noise from flat 3')!.isRead).toBe(true);
  });

  it('joins a reply to the open task (moving it back to open) and records an out-of-office without a task', async () => {
    const [noise] = await emails('Noise from flat 3');
    await setTaskStatus(w.t.ctx, w.asbOfficer, noise.task_id!, 'pending');
    await w.mail({ from: 'tenant@example.org', to: demoMailboxes.asb, subject: 'RE: Noise from flat 3', text: 'It happened again.', inReplyTo: noise.internet_message_id!, references: [noise.internet_message_id!] });
    await w.mail({ from: 'away@example.org', to: demoMailboxes.asb, subject: 'Automatic reply: I am away', text: 'Back Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    await w.mail({ from: demoMailboxes.noreply, to: demoMailboxes.asb, subject: 'Our own letter', text: 'From us.' });
    expect(await w.sync('ASB')).toMatchObject({ imported: 3 });
    expect(await w.raiseEvents()).toMatchObject({ ok: true, tasks: 0 });
    const [reply] = await emails('RE: Noise from flat 3');
    expect(reply).toMatchObject({ disposition: 'threaded', task_id: noise.task_id });
    expect((await getTask(w.t.ctx, w.asbOfficer, noise.task_id!)).status).toBe('open');
    expect((await emails('Automatic reply: I am away'))[0]).toMatchObject({ disposition: 'auto_reply', task_id: null });
    expect((await emails('Our own letter'))[0]).toMatchObject({ disposition: 'own', task_id: null });
  });

  it('replies to the sender from the shared inbox through the outbox, and the answer to that reply joins the same task', async () => {
    const [noise] = await emails('Noise from flat 3');
    // The resident's latest message of the case is the one answered (their reply of the test above).
    const [latest] = await emails('RE: Noise from flat 3');
    const r = await replyToTask(w.t.ctx, w.asbOfficer, noise.task_id!, { text: 'We will visit on Monday.' });
    expect(r).toMatchObject({ to: 'tenant@example.org', from: demoMailboxes.asb });
    const out = await w.t.ctx.db.selectFrom('email_outbox').selectAll().where('id', '=', r.outboxId as never).executeTakeFirstOrThrow();
    expect(out).toMatchObject({ subject: 'RE: Noise from flat 3', source: 'task-manager', source_ref: `task-${noise.task_id}`, reply_mailbox: demoMailboxes.asb, reply_to_graph_id: latest.graph_id });
    const history = await getTaskDetails(w.t.ctx, w.asbOfficer, noise.task_id!);
    expect(history.history.at(-1)).toMatchObject({ action: 'reply queued', actor: 'asb.officer' });
    // A resident answering with the older "[Task N]" tag (mail sent before issue 17) still lands on the task.
    await w.mail({ from: 'tenant@example.org', to: demoMailboxes.asb, subject: `RE: RE: Noise from flat 3 [Task ${noise.task_id}]`, text: 'Monday is fine.' });
    expect(await w.sync('ASB')).toMatchObject({ imported: 1 });
    expect((await emails(`RE: RE: Noise from flat 3 [Task ${noise.task_id}]`))[0]).toMatchObject({ disposition: 'threaded', task_id: noise.task_id });
  });

  it('hides an ASB task from an officer outside the team', async () => {
    const [noise] = await emails('Noise from flat 3');
    await expect(getTask(w.t.ctx, w.outsider, noise.task_id!)).rejects.toMatchObject({ code: 'not_found' });
    expect((await listTasks(w.t.ctx, w.outsider, {})).tasks).toHaveLength(0);
    expect((await listTasks(w.t.ctx, w.complaintsOfficer, {})).tasks.map((t) => t.title)).toEqual(['Repair still not done']);
  });

  it('resyncs from scratch after the delta cursor expires, without duplicates', async () => {
    await w.admin('POST', `/users/${demoMailboxes.complaints}/messages`, { subject: 'Before expiry', from: { emailAddress: { address: 'r1@example.org' } } });
    expect(await w.sync('COMPLAINTS')).toMatchObject({ imported: 1 });
    const before = (await w.t.ctx.db.selectFrom('inbound_emails').select('id').where('inbox', '=', 'COMPLAINTS').execute()).length;
    expect((await w.admin('POST', '/delta/expire', { user: demoMailboxes.complaints })).status).toBe(200);
    await w.admin('POST', `/users/${demoMailboxes.complaints}/messages`, { subject: 'After expiry', from: { emailAddress: { address: 'r2@example.org' } } });
    const r = await w.sync('COMPLAINTS');
    expect(r).toMatchObject({ ok: true, fullResync: true, imported: 1 });
    const after = await w.t.ctx.db.selectFrom('inbound_emails').select(['graph_id']).where('inbox', '=', 'COMPLAINTS').execute();
    expect(after.length).toBe(before + 1);
    expect(new Set(after.map((a) => a.graph_id)).size).toBe(after.length);
    await w.raiseEvents();
    const tasks = await w.t.ctx.db.selectFrom('tm_tasks').select('email_id').where('inbox', '=', 'COMPLAINTS').execute();
    expect(new Set(tasks.map((x) => x.email_id)).size).toBe(tasks.length);
  });

  it('backfills the last N days on request, with progress', async () => {
    await requestBackfill(w.t.ctx, SYSTEM_ACTOR, 'ASB', 7);
    const r = await w.sync('ASB');
    expect(r.ok).toBe(true);
    expect(await emails('Sent before housing365 was switched on')).toHaveLength(1);
    const state = await w.t.ctx.db.selectFrom('inbox_sync_state').selectAll().where('inbox', '=', 'ASB').executeTakeFirstOrThrow();
    expect(state.backfill_days).toBeNull();
    expect(state.backfill_imported).toBe(1);
    expect(state.backfill_seen).toBeGreaterThanOrEqual(state.backfill_imported);
  });
});
