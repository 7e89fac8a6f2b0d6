import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { insertEmail, makeTeam, makeUser, system } from '../tasks/helpers.ts';
import { createJobType, generateWorkflow, saveEventType, uploadWorkflow } from '../../src/app/tasks/setup.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';
import { getTaskHistory } from '../../src/app/tasks/tasks.ts';
import { raiseTask } from '../../src/app/tasks/raise-task.ts';
import { searchAudit } from '../../src/app/audit.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';
import { loadHolidayFile, setComplaintPolicy, updateComplaintSettings } from '../../src/app/complaints/setup.ts';
import { recordComplaintStep } from '../../src/app/complaints/record-step.ts';
import { getComplaintForTask, listComplaints } from '../../src/app/complaints/view.ts';
import { complaintsPerformance, complaintsPerformanceCsv } from '../../src/app/complaints/performance.ts';
import type { Principal } from '../../src/app/context.ts';
import { AppError } from '../../src/errors.ts';

let t: TestContext;
let officer: Principal, outsider: Principal;
let now = new Date('2026-12-23T23:59:00Z');
let jobType: { id: number; defaultTeamId: number | null; defaultUserId: number | null };
let queryId: number;

const at = (day: string, time = '10:00:00') => { now = new Date(`${day}T${time}Z`); };

beforeAll(async () => {
  t = await createTestContext();
  t.ctx.now = () => now;
  officer = await makeUser(t.ctx, 'complaints.officer');
  outsider = await makeUser(t.ctx, 'outsider');
  const team = await makeTeam(t.ctx, 'COMPLAINTS_TEAM', [officer]);
  await makeTeam(t.ctx, 'OTHER', [outsider]);
  await uploadWorkflow(t.ctx, system, (await generateWorkflow('EMAILCMP', 'Inbound Emails for Complaints')).text);
  const type = await createJobType(t.ctx, system, { code: 'EMAIL_COMPLAINTS', name: 'Complaints inbox', workflowCode: 'EMAILCMP', defaultTeamId: team });
  jobType = { id: type.id, defaultTeamId: team, defaultUserId: null };
  await saveEventType(t.ctx, system, { code: 'EML_COMPLAINTS', description: 'Email to the complaints inbox', jobTypeId: type.id });
  await setComplaintPolicy(t.ctx, system, type.id, {});
  queryId = (await listEventQueries(t.ctx)).find((q) => q.name === 'Inbound emails')!.id;
});
afterAll(async () => t?.cleanup());

async function emailTask(subject: string, received: Date): Promise<number> {
  const id = await insertEmail(t.ctx, 'COMPLAINTS', subject, { received });
  await runEventQuery(t.ctx, queryId);
  return (await t.ctx.db.selectFrom('tm_tasks').select('id').where('email_id', '=', id).executeTakeFirstOrThrow()).id;
}

describe('a complaints@ email becomes a stage 1 case on the statutory clock', () => {
  let taskId: number;

  it('is received at 23:59 London time on Wed 23 Dec 2026: acknowledge by Mon 4 Jan 2027 (Christmas, Boxing Day substitute and New Year skipped)', async () => {
    at('2026-12-24', '08:00:00');
    taskId = await emailTask('My repair is still not done', new Date('2026-12-23T23:59:00Z'));
    const c = (await getComplaintForTask(t.ctx, officer, taskId))!;
    expect(c.case).toMatchObject({ state: 'stage1_new', receivedOn: '2026-12-23', currentDue: '2027-01-04', currentKind: 'acknowledge' });
    expect(c.deadlines[0].basis).toMatchObject({ rule: 'stage1.acknowledge', clause: '6.2', days: 5, nation: 'england-and-wales' });
    expect(c.deadlines[0].basis.holidaySource).toMatch(/^date-holidays \d+\.\d+\.\d+$/);
    const history = await getTaskHistory(t.ctx, officer, taskId);
    expect(history.map((h) => h.action)).toEqual(['created', 'complaint opened at stage 1']);
    expect(history[1].detail).toContain('Acknowledge stage 1 by Mon 4 Jan 2027');
  });

  it('is acknowledged (with the acknowledgement email queued in the outbox): respond within 10 working days', async () => {
    at('2026-12-29');
    const r = await recordComplaintStep(t.ctx, officer, taskId, { step: 'stage1_acknowledged', sendAcknowledgement: true });
    expect(r).toMatchObject({ state: 'stage1_acknowledged', currentDue: '2027-01-13' });
    const mail = await t.ctx.db.selectFrom('email_outbox').selectAll().where('id', '=', r.outboxId!).executeTakeFirstOrThrow();
    expect(mail.subject).toBe(`We have logged your complaint at stage 1 [Task ${taskId}]`);
    expect(mail.body_text).toContain('by Wed 13 Jan 2027');
    expect(mail.body_text).toContain('received on Wed 23 Dec 2026');
  });

  it('an extension past 10 working days is refused without a good reason, and allowed with one, which is recorded', async () => {
    at('2027-01-08');
    const refused = await recordComplaintStep(t.ctx, officer, taskId, { step: 'stage1_extended', reason: 'waiting for the contractor', newDate: '2027-01-28' }).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused.fields[0]).toMatchObject({ field: 'goodReason' });
    expect(refused.message).toMatch(/11 working days past/);
    const noReason = await recordComplaintStep(t.ctx, officer, taskId, { step: 'stage1_extended', newDate: '2027-01-20' }).catch((e) => e);
    expect(noReason.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    const ok = await recordComplaintStep(t.ctx, officer, taskId, { step: 'stage1_extended', reason: 'waiting for the contractor', newDate: '2027-01-28', goodReason: 'a structural survey is needed' });
    expect(ok.currentDue).toBe('2027-01-28');
    const c = (await getComplaintForTask(t.ctx, officer, taskId))!;
    expect(c.current).toMatchObject({ due: '2027-01-28', kind: 'respond' });
    expect(c.deadlines.map((d) => [d.kind, d.due, d.status])).toEqual([['acknowledge', '2027-01-04', 'met'], ['respond', '2027-01-13', 'superseded'], ['respond', '2027-01-28', 'open']]);
    expect(c.deadlines[2].basis).toMatchObject({ rule: 'stage1.extension', days: 11, goodReason: 'a structural survey is needed' });
  });

  it('a step out of order is a conflict naming what can come next', async () => {
    const e = await recordComplaintStep(t.ctx, officer, taskId, { step: 'escalated' }).catch((x) => x);
    expect(e).toMatchObject({ code: 'conflict' });
    expect(e.message).toMatch(/next can be: stage 1 response extended, stage 1 response sent, complaint closed/);
  });

  it('a change of nation mid-case: the existing deadline keeps its basis, the next is computed for Scotland', async () => {
    await updateComplaintSettings(t.ctx, system, { nation: 'scotland' });
    at('2027-01-27');
    await recordComplaintStep(t.ctx, officer, taskId, { step: 'stage1_response_sent' });
    // Escalated on Fri 29 Jan 2027: stage 2 acknowledge within 5 working days.
    at('2027-01-29');
    const esc = await recordComplaintStep(t.ctx, officer, taskId, { step: 'escalated' });
    expect(esc).toMatchObject({ state: 'stage2_new', currentDue: '2027-02-05' });
    const c = (await getComplaintForTask(t.ctx, officer, taskId))!;
    expect(c.deadlines.map((d) => d.basis.nation)).toEqual(['england-and-wales', 'england-and-wales', 'england-and-wales', 'scotland']);
    await updateComplaintSettings(t.ctx, system, { nation: 'england-and-wales' });
  });

  it('stage 2 is acknowledged (20 working days to respond), responded to and closed; every step is in the history and the audit trail', async () => {
    at('2027-02-01');
    expect(await recordComplaintStep(t.ctx, officer, taskId, { step: 'stage2_acknowledged' })).toMatchObject({ currentDue: '2027-03-01' });
    at('2027-02-26');
    await recordComplaintStep(t.ctx, officer, taskId, { step: 'stage2_response_sent' });
    await recordComplaintStep(t.ctx, officer, taskId, { step: 'closed', reason: 'final response accepted' });
    const c = (await getComplaintForTask(t.ctx, officer, taskId))!;
    expect(c.case.state).toBe('closed');
    expect(c.current).toBeNull();
    const actions = (await getTaskHistory(t.ctx, officer, taskId)).map((h) => h.action);
    expect(actions).toEqual(expect.arrayContaining(['stage 1 acknowledged', 'stage 1 response extended', 'stage 1 response sent', 'escalated to stage 2', 'stage 2 acknowledged', 'stage 2 response sent', 'complaint closed', 'set to complete']));
    const audit = await searchAudit(t.ctx, OPERATOR_VIEWER, { entityType: 'task', entityId: String(taskId) });
    expect(audit.map((a) => a.action).sort()).toEqual(['complaint.closed', 'complaint.escalated', 'complaint.stage1_acknowledged', 'complaint.stage1_extended', 'complaint.stage1_response_sent', 'complaint.stage2_acknowledged', 'complaint.stage2_response_sent']);
    expect(audit.find((a) => a.action === 'complaint.stage1_extended')!.after).toMatchObject({ goodReason: 'a structural survey is needed', extensionDays: 11 });
  });

  it('is seen only by those who may see its task', async () => {
    await expect(getComplaintForTask(t.ctx, outsider, taskId)).rejects.toMatchObject({ code: 'not_found' });
    expect((await listComplaints(t.ctx, outsider, { include: 'all' })).items).toEqual([]);
  });

  it('a step dated in the future, or before the last step, is refused naming the field', async () => {
    at('2027-03-01');
    const id = await emailTask('Second complaint', new Date('2027-03-01T09:00:00Z'));
    await expect(recordComplaintStep(t.ctx, officer, id, { step: 'stage1_acknowledged', on: '2027-03-02' })).rejects.toMatchObject({ fields: [{ field: 'on' }] });
    await expect(recordComplaintStep(t.ctx, officer, id, { step: 'stage1_acknowledged', on: '2027-02-27' })).rejects.toMatchObject({ fields: [{ field: 'on' }] });
    await expect(recordComplaintStep(t.ctx, officer, id, { step: 'stage1_acknowledged', on: '2027-02-30' })).rejects.toMatchObject({ fields: [{ field: 'on' }] });
  });
});

describe('a loaded bank-holiday file changes the deadlines computed after it', () => {
  it('a one-off holiday in the file moves a new case\'s deadline; a bad file is refused naming the field', async () => {
    await expect(loadHolidayFile(t.ctx, system, '{"england-and-wales":{"events":[{"title":"x","date":"2027-13-01"}]}}')).rejects.toMatchObject({ fields: [{ field: 'file' }] });
    await loadHolidayFile(t.ctx, system, JSON.stringify({ 'england-and-wales': { division: 'england-and-wales', events: [{ title: 'New Year’s Day', date: '2027-01-01' }, { title: 'A one-off bank holiday', date: '2027-06-08' }] } }), 'bank-holidays.json');
    at('2027-06-07');
    const id = await emailTask('Third complaint', new Date('2027-06-07T09:00:00Z'));
    const c = (await getComplaintForTask(t.ctx, officer, id))!;
    expect(c.case.currentDue).toBe('2027-06-15');
    expect(c.deadlines[0].basis.holidaySource).toMatch(/^holiday file \d+ \(sha256 [0-9a-f]{12}\) for 2027; date-holidays/);
    expect(c.deadlines[0].basis.holidaysSkipped).toEqual([{ date: '2027-06-08', title: 'A one-off bank holiday' }]);
  });
});

describe('the performance report for a fixture year (1 April 2025 to 31 March 2026)', () => {
  async function complaint(received: string, steps: Array<[string, Parameters<typeof recordComplaintStep>[3]]>): Promise<number> {
    at(received);
    const id = await t.ctx.db.transaction().execute((trx) => raiseTask(trx, { jobType, title: `Fixture ${received}`, actor: 'test', detail: 'fixture', at: now }));
    for (const [day, step] of steps) {
      at(day);
      await recordComplaintStep(t.ctx, officer, id, step);
    }
    return id;
  }

  it('gives the percentages the fixture implies', async () => {
    // Before the year: not counted.
    await complaint('2025-03-20', [['2025-03-21', { step: 'stage1_acknowledged' }], ['2025-04-01', { step: 'stage1_response_sent' }], ['2025-04-02', { step: 'closed' }]]);
    // 1: on time throughout (ack due Mon 9 Jun, response due Wed 18 Jun).
    await complaint('2025-06-02', [['2025-06-04', { step: 'stage1_acknowledged' }], ['2025-06-17', { step: 'stage1_response_sent' }], ['2025-06-18', { step: 'closed' }]]);
    // 2: acknowledged a day late; response due Tue 29 Jul, extended 10 working days to Tue 12 Aug, sent Mon 11 Aug.
    await complaint('2025-07-07', [['2025-07-15', { step: 'stage1_acknowledged' }], ['2025-07-25', { step: 'stage1_extended', reason: 'contractor', newDate: '2025-08-12' }], ['2025-08-11', { step: 'stage1_response_sent' }]]);
    // 3: response late (due Tue 16 Sep, sent Mon 22 Sep); escalated Wed 1 Oct, stage 2 on time (ack 3 Oct, response due Fri 31 Oct, sent 30 Oct).
    await complaint('2025-09-01', [['2025-09-02', { step: 'stage1_acknowledged' }], ['2025-09-22', { step: 'stage1_response_sent' }], ['2025-10-01', { step: 'escalated' }], ['2025-10-03', { step: 'stage2_acknowledged' }], ['2025-10-30', { step: 'stage2_response_sent' }], ['2025-10-31', { step: 'closed' }]]);
    // 4: response due Wed 19 Nov, extended 15 working days with good reason to Wed 10 Dec and sent that day; escalated Mon 5 Jan,
    //    stage 2 acknowledged late (14 Jan; due 12 Jan), its response due Wed 11 Feb never sent.
    await complaint('2025-11-03', [['2025-11-05', { step: 'stage1_acknowledged' }], ['2025-11-18', { step: 'stage1_extended', reason: 'survey', newDate: '2025-12-10', goodReason: 'independent survey' }], ['2025-12-10', { step: 'stage1_response_sent' }], ['2026-01-05', { step: 'escalated' }], ['2026-01-14', { step: 'stage2_acknowledged' }]]);
    // 5: never acknowledged (due Mon 9 Mar).
    await complaint('2026-03-02', []);

    at('2026-05-01');
    const p = await complaintsPerformance(t.ctx, officer, { year: 2025 });
    expect(p.period).toMatchObject({ from: '2025-04-01', to: '2026-03-31' });
    expect(p.stage1).toEqual({
      received: 5,
      acknowledgementsDecided: 5, acknowledgedInTime: 3, acknowledgedInTimePct: 60,
      responsesDecided: 4, respondedInCodeTime: 1, respondedInCodeTimePct: 25, respondedInExtendedTime: 3, respondedInExtendedTimePct: 75,
      extensionsGranted: 2, casesExtended: 2,
    });
    expect(p.stage2).toMatchObject({ received: 2, acknowledgedInTimePct: 50, responsesDecided: 2, respondedInCodeTimePct: 50, respondedInExtendedTimePct: 50, extensionsGranted: 0 });
    expect(p.escalations).toBe(2);
    // Case 4 (stage 2 response) and case 5 (acknowledgement); the cases of the other describe blocks are in 2026–27 and closed or not yet due … except those still open:
    const others = (await listComplaints(t.ctx, officer, { due: 'overdue' })).items.map((i) => i.title);
    expect(others).toEqual(expect.arrayContaining(['Fixture 2025-11-03', 'Fixture 2026-03-02']));
    expect(p.openOverdueNow).toBe(others.length);

    const { csv } = await complaintsPerformanceCsv(t.ctx, officer, { year: 2025 });
    expect(csv.split('\r\n')).toEqual(expect.arrayContaining(['% acknowledged within the Code time,60.0,50.0,', '% responded within the Code time (no extension),25.0,50.0,', '% responded within the time incl. extensions,75.0,50.0,']));
    // Another viewer's report counts only what they may see.
    expect((await complaintsPerformance(t.ctx, outsider, { year: 2025 })).stage1.received).toBe(0);
    await expect(complaintsPerformance(t.ctx, officer, { year: 1999 })).rejects.toMatchObject({ fields: [{ field: 'year' }] });
  });
});

describe('the daily reminder (off by default) goes through the outbox once a day', () => {
  it('is not sent while off; once on, from 07:00 London time, once a day, listing overdue and due-soon complaints', async () => {
    const { sendComplaintReminder } = await import('../../src/app/complaints/reminders.ts');
    at('2026-05-01', '09:00:00');
    expect(await sendComplaintReminder(t.ctx)).toEqual({ sent: false, reason: 'the daily reminder is switched off' });
    await expect(updateComplaintSettings(t.ctx, system, { nation: 'england-and-wales', reminderEnabled: true })).rejects.toMatchObject({ fields: [{ field: 'reminderTo' }] });
    await updateComplaintSettings(t.ctx, system, { nation: 'england-and-wales', reminderEnabled: true, reminderDays: 2, reminderTo: 'complaints.team@housingorganisation.co.uk' });
    at('2026-05-01', '05:30:00'); // 06:30 BST
    expect(await sendComplaintReminder(t.ctx)).toMatchObject({ sent: false, reason: expect.stringMatching(/before 7:00/) });
    at('2026-05-01', '06:10:00'); // 07:10 BST
    const r = await sendComplaintReminder(t.ctx);
    expect(r).toMatchObject({ sent: true, to: 'complaints.team@housingorganisation.co.uk' });
    expect(await sendComplaintReminder(t.ctx)).toMatchObject({ sent: false, reason: 'already sent today (2026-05-01)' });
    const mail = await t.ctx.db.selectFrom('email_outbox').selectAll().where('id', '=', (r as { outboxId: string }).outboxId).executeTakeFirstOrThrow();
    expect(mail.subject).toMatch(/^Complaints: \d+ overdue, \d+ due by /);
    expect(mail.body_text).toContain('Fixture 2026-03-02');
    expect(mail.body_text).toContain('acknowledge by Mon 9 Mar 2026');
    await updateComplaintSettings(t.ctx, system, { nation: 'england-and-wales', reminderEnabled: false });
  });
});
