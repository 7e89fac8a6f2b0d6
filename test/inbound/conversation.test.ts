// The resident conversation end to end (issue 17 §1, §2), against the emulator over HTTPS and a real
// PostgreSQL: the officer's reply is created on the resident's message in the shared inbox and sent
// once from it (Sent Items there); the resident's answers join the case whatever order they arrive
// in; a reply after completion reopens or raises a linked task; another sender is flagged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { replyToTask } from '../../src/app/tasks/reply-to-task.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { getTask, setTaskStatus } from '../../src/app/tasks/tasks.ts';
import { getTaskDetails } from '../../src/app/tasks/task-details.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { upsertInboxConversation, defaultConversation } from '../../src/adapters/db/inbox-conversation.ts';

let w: InboundWorld;
beforeAll(async () => {
  w = await startInboundWorld();
  await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILOUT_OUTLOOK365', 'Y');
  await w.sync('ASB');
}, 60_000);
afterAll(async () => w?.stop());

const emails = (subject: string) => w.t.ctx.db.selectFrom('inbound_emails').selectAll().where('subject', '=', subject).orderBy('id').execute();
const mailboxOf = (upn: string) => Object.values(w.emulator.state.users).find((u) => u.userPrincipalName === upn)!.mailbox;
const inFolder = (upn: string, wellKnown: string) => {
  const mb = mailboxOf(upn);
  const f = Object.values(mb.folders).find((x) => x.wellKnownName === wellKnown)!;
  return Object.values(mb.messages).filter((m) => m.folderId === f.id);
};
const history = async (taskId: number) => (await getTaskDetails(w.t.ctx, w.asbOfficer, taskId)).history;

async function newCase(subject: string, from = 'tenant@example.org', extra: Record<string, unknown> = {}) {
  await w.mail({ from, to: demoMailboxes.asb, subject, text: 'It keeps happening.', ...extra });
  await w.sync('ASB');
  await w.raiseEvents();
  const [e] = await emails(subject);
  expect(e.task_id).not.toBeNull();
  return e;
}

describe('a reply from the task goes through the shared inbox the resident wrote to', () => {
  it('is created on the resident\'s message in asb@, sent once from asb@ with the case reference, its copy in asb@\'s Sent Items', async () => {
    await upsertInboxConversation(w.t.ctx.db, { ...defaultConversation('ASB'), subjectReference: true }, 'test');
    const src = await newCase('Noise from flat 3');
    const r = await replyToTask(w.t.ctx, w.asbOfficer, src.task_id!, { text: 'We will visit on Monday.\nBring your diary.' });
    expect(r).toMatchObject({ to: 'tenant@example.org', from: demoMailboxes.asb, subject: `RE: Noise from flat 3 [ASB-${src.task_id}]` });
    expect(await drainOutbox(w.t.ctx)).toMatchObject({ sent: 1, failed: 0, dead: 0 });

    const row = await w.t.ctx.db.selectFrom('email_outbox').selectAll().where('id', '=', r.outboxId as never).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', from_mailbox: demoMailboxes.asb, reply_mailbox: demoMailboxes.asb, reply_to_graph_id: src.graph_id });
    expect(row.internet_message_id).toBeTruthy();
    const sent = inFolder(demoMailboxes.asb, 'sentitems').filter((m) => m.subject === r.subject);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ conversationId: src.conversation_id, inReplyTo: src.internet_message_id, internetMessageId: row.internet_message_id });
    expect(sent[0].from!.emailAddress.address).toBe(demoMailboxes.asb);
    expect(sent[0].body.content).toContain('We will visit on Monday.');
    expect(sent[0].body.content).toContain('It keeps happening.'); // the quoted original below ours
    expect(inFolder(demoMailboxes.noreply, 'sentitems').filter((m) => m.subject === r.subject)).toHaveLength(0);
    expect(w.emulator.state.outbound.filter((o) => o.subject === r.subject)).toEqual([expect.objectContaining({ from: demoMailboxes.asb, to: ['tenant@example.org'] })]);

    // A retry after a lost answer finds the sent copy by its marker in asb@ and sends nothing again.
    await w.t.ctx.db.updateTable('email_outbox').set({ status: 'failed', next_attempt_at: new Date(0) }).where('id', '=', r.outboxId as never).execute();
    expect(await drainOutbox(w.t.ctx)).toMatchObject({ sent: 1 });
    expect(inFolder(demoMailboxes.asb, 'sentitems').filter((m) => m.subject === r.subject)).toHaveLength(1);
    expect(w.emulator.state.outbound.filter((o) => o.subject === r.subject)).toHaveLength(1);

    // The resident answers our reply: In-Reply-To names it; it joins the case, the reason on the history.
    const answer = `RE: ${r.subject}`;
    await w.mail({ from: 'tenant@example.org', to: demoMailboxes.asb, subject: answer, text: 'Monday is fine.', inReplyTo: row.internet_message_id!, references: [src.internet_message_id!, row.internet_message_id!] });
    expect(await w.sync('ASB')).toMatchObject({ imported: 1 });
    expect((await w.raiseEvents()).tasks).toBe(0);
    const [joined] = await emails(answer);
    expect(joined).toMatchObject({ disposition: 'threaded', task_id: src.task_id, sender_flag: null });
    expect((await history(src.task_id!)).at(-1)).toMatchObject({ action: 'reply received' });
    expect((await history(src.task_id!)).at(-1)!.detail).toMatch(/In-Reply-To|References|reply sent from task|conversation/);

    // A second reply keeps one reference in the subject.
    const again = await replyToTask(w.t.ctx, w.asbOfficer, src.task_id!, { text: 'See you then.' });
    expect(again.subject).toBe(`RE: ${r.subject}`.replace(`RE: RE:`, 'RE: RE:'));
    expect(again.subject.split(`[ASB-${src.task_id}]`)).toHaveLength(2);
    await upsertInboxConversation(w.t.ctx.db, defaultConversation('ASB'), 'test');
  });
});

describe('replies join their case', () => {
  it('joins a reply that arrives in the same poll as its parent: one task, the reply on it', async () => {
    const id = `<parent-same-poll-${Date.now()}@example.org>`;
    await w.mail({ from: 'p1@example.org', to: demoMailboxes.asb, subject: 'Dog barking', text: 'All day.', messageId: id });
    await w.mail({ from: 'p1@example.org', to: demoMailboxes.asb, subject: 'RE: Dog barking', text: 'And now at night.', inReplyTo: id, references: [id] });
    expect(await w.sync('ASB')).toMatchObject({ imported: 2 });
    expect(await w.raiseEvents()).toMatchObject({ tasks: 1 });
    const [parent] = await emails('Dog barking');
    const [reply] = await emails('RE: Dog barking');
    expect(parent.task_id).not.toBeNull();
    expect(reply).toMatchObject({ task_id: parent.task_id, disposition: 'threaded', thread_root_id: parent.id });
    expect((await history(parent.task_id!)).map((h) => h.action)).toContain('reply received');
  });

  it('joins a reply that arrives before its parent, when the parent\'s task is raised', async () => {
    const id = `<parent-late-${Date.now()}@example.org>`;
    await w.mail({ from: 'p2@example.org', to: demoMailboxes.asb, subject: 'RE: Fly-tipping', text: 'Still there.', inReplyTo: id, references: [id] });
    expect(await w.sync('ASB')).toMatchObject({ imported: 1 });
    await w.mail({ from: 'p2@example.org', to: demoMailboxes.asb, subject: 'Fly-tipping', text: 'Sofa on the green.', messageId: id });
    expect(await w.sync('ASB')).toMatchObject({ imported: 1 });
    expect(await w.raiseEvents()).toMatchObject({ tasks: 1 });
    const [parent] = await emails('Fly-tipping');
    const [reply] = await emails('RE: Fly-tipping');
    expect(reply).toMatchObject({ task_id: parent.task_id, thread_root_id: parent.id });
    expect(reply.thread_reason).toMatch(/arrived after it/);
  });

  it('reopens a completed task on a reply within 30 days; a job type set to "new" raises a new task linked to the old one', async () => {
    const src = await newCase('Broken streetlight', 'p3@example.org');
    await setTaskStatus(w.t.ctx, w.asbOfficer, src.task_id!, 'complete');
    await w.mail({ from: 'p3@example.org', to: demoMailboxes.asb, subject: 'RE: Broken streetlight', text: 'Out again.', inReplyTo: src.internet_message_id!, references: [src.internet_message_id!] });
    await w.sync('ASB');
    expect((await getTask(w.t.ctx, w.asbOfficer, src.task_id!)).status).toBe('open');
    expect((await history(src.task_id!)).at(-1)).toMatchObject({ action: 'reopened by a reply', fromStatus: 'complete', toStatus: 'open' });

    await setTaskStatus(w.t.ctx, w.asbOfficer, src.task_id!, 'complete');
    await w.t.ctx.db.updateTable('tm_job_types').set({ reply_after_complete: 'new' }).where('code', '=', 'EMAIL_ASB').execute();
    await w.mail({ from: 'p3@example.org', to: demoMailboxes.asb, subject: 'RE: RE: Broken streetlight', text: 'And again.', inReplyTo: src.internet_message_id!, references: [src.internet_message_id!] });
    await w.sync('ASB');
    await w.t.ctx.db.updateTable('tm_job_types').set({ reply_after_complete: 'reopen' }).where('code', '=', 'EMAIL_ASB').execute();
    const [late] = await emails('RE: RE: Broken streetlight');
    expect(late.task_id).not.toBe(src.task_id);
    const linked = await w.t.ctx.db.selectFrom('tm_tasks').selectAll().where('id', '=', late.task_id!).executeTakeFirstOrThrow();
    expect(linked).toMatchObject({ parent_task_id: src.task_id, status: 'open', email_id: late.id });
    expect((await getTask(w.t.ctx, w.asbOfficer, src.task_id!)).status).toBe('complete');
    expect((await history(src.task_id!)).at(-1)!.detail).toContain(`new task ${late.task_id}`);
  });

  it('flags a reply from someone other than the case\'s resident', async () => {
    const src = await newCase('Parking dispute', 'resident4@example.org');
    await w.mail({ from: 'neighbour@example.org', to: demoMailboxes.asb, subject: 'RE: Parking dispute', text: 'That is not true.', inReplyTo: src.internet_message_id!, references: [src.internet_message_id!] });
    await w.sync('ASB');
    const [r] = await emails('RE: Parking dispute');
    expect(r.task_id).toBe(src.task_id);
    expect(r.sender_flag).toContain('neighbour@example.org');
    expect((await history(src.task_id!)).map((h) => h.action)).toContain('reply flagged');
  });
});

describe('the source message in Outlook shows it was handled', () => {
  it('tags the message with "housing365 ASB-<task>" once, keeping its own categories, and a repeat run changes nothing', async () => {
    const { markHandledInOutlook } = await import('../../src/app/inbound/mark-handled.ts');
    await w.mail({ from: 'p5@example.org', to: demoMailboxes.asb, subject: 'Shouting in the stairwell', text: 'Late at night.' });
    await w.sync('ASB');
    await w.raiseEvents();
    const [e] = await emails('Shouting in the stairwell');
    const msg = () => mailboxOf(demoMailboxes.asb).messages[e.graph_id] ?? Object.values(mailboxOf(demoMailboxes.asb).messages).find((m) => m.subject === 'Shouting in the stairwell')!;
    msg().categories = ['Red category'];
    const inbox = { code: 'ASB', mailbox: demoMailboxes.asb };
    const first = await markHandledInOutlook(w.t.ctx, w.graph.mail, inbox);
    expect(first.tagged).toBeGreaterThanOrEqual(1);
    expect(msg().categories).toEqual(['Red category', `housing365 ASB-${e.task_id}`]);
    const row = await w.t.ctx.db.selectFrom('inbound_emails').select(['outlook_state', 'outlook_category']).where('id', '=', e.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ outlook_state: 'done', outlook_category: `housing365 ASB-${e.task_id}` });
    // A run that died after the PATCH (state not recorded) finds the category there: no second copy.
    await w.t.ctx.db.updateTable('inbound_emails').set({ outlook_state: 'none' }).where('id', '=', e.id).execute();
    await markHandledInOutlook(w.t.ctx, w.graph.mail, inbox);
    expect(msg().categories).toEqual(['Red category', `housing365 ASB-${e.task_id}`]);
    expect((await markHandledInOutlook(w.t.ctx, w.graph.mail, inbox)).tagged).toBe(0);
  });
});

describe('the automatic acknowledgement', () => {
  it('is off by default; when on, goes once per sender per period from the shared inbox with X-Auto-Response-Suppress, never to automatic mail or our own addresses, recorded on the task', async () => {
    const { saveTemplate } = await import('../../src/app/email/templates.ts');
    await w.mail({ from: 'p6@example.org', to: demoMailboxes.asb, subject: 'Before acknowledgements', text: 'x' });
    await w.sync('ASB');
    await w.raiseEvents();
    const [before] = await emails('Before acknowledgements');
    expect(await w.t.ctx.db.selectFrom('email_outbox').select('id').where('task_id', '=', before.task_id!).execute()).toHaveLength(0);

    await saveTemplate(w.t.ctx, SYSTEM_ACTOR, { code: 'TM_ACKNOWLEDGE', description: 'Acknowledgement', subject: 'We have your email [{{ task.ref }}]', text: 'Your case reference is {{ task.ref }}.' });
    await upsertInboxConversation(w.t.ctx.db, { ...defaultConversation('ASB'), acknowledge: true, acknowledgePeriodHours: 24 }, 'test');
    await w.mail({ from: 'p7@example.org', to: demoMailboxes.asb, subject: 'Rubbish bins', text: 'Not collected.' });
    await w.mail({ from: 'away@example.org', to: demoMailboxes.asb, subject: 'Automatic reply: away', text: 'Back Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    await w.mail({ from: `staff@${demoMailboxes.asb.split('@')[1]}`, to: demoMailboxes.asb, subject: 'From a colleague', text: 'FYI' });
    await w.sync('ASB');
    await w.raiseEvents();
    const [bins] = await emails('Rubbish bins');
    const acks = await w.t.ctx.db.selectFrom('email_outbox').selectAll().where('source_ref', 'like', 'ack-%').execute();
    expect(acks.map((a) => [a.subject, a.to_recipients[0].address, a.reply_mailbox])).toEqual([[`We have your email [ASB-${bins.task_id}]`, 'p7@example.org', demoMailboxes.asb]]);
    expect(acks[0].headers).toContainEqual({ name: 'X-Auto-Response-Suppress', value: 'All' });
    expect((await history(bins.task_id!)).at(-1)).toMatchObject({ action: 'acknowledgement queued' });

    // A second email from the same sender within the period: a task, no second acknowledgement.
    await w.mail({ from: 'p7@example.org', to: demoMailboxes.asb, subject: 'Rubbish bins again', text: 'Still not.' });
    await w.sync('ASB');
    await w.raiseEvents();
    const [again] = await emails('Rubbish bins again');
    expect((await history(again.task_id!)).at(-1)).toMatchObject({ action: 'acknowledgement not sent' });
    expect(await w.t.ctx.db.selectFrom('email_outbox').select('id').where('source_ref', 'like', 'ack-%').execute()).toHaveLength(1);

    // Sent as a reply from asb@, the header on the draft that went.
    expect(await drainOutbox(w.t.ctx)).toMatchObject({ dead: 0 });
    const sent = inFolder(demoMailboxes.asb, 'sentitems').find((m) => m.subject === `We have your email [ASB-${bins.task_id}]`)!;
    expect(sent.internetMessageHeaders).toContainEqual({ name: 'X-Auto-Response-Suppress', value: 'All' });
    expect(sent.inReplyTo).toBe(bins.internet_message_id);
    await upsertInboxConversation(w.t.ctx.db, defaultConversation('ASB'), 'test');
  });
});
