import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit } from '../../src/app/audit.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { createJobGroup, createJobType, generateWorkflow, listWorkflows, saveEventType, uploadWorkflow } from '../../src/app/tasks/setup.ts';
import { createEventQuery, listEventQueries, runEventQuery, updateEventQuery } from '../../src/app/tasks/event-queries.ts';
import { bulkTaskAction, createFollowUpTask, getTask, getTaskHistory, listTasks, reassignTask, setTaskStatus, taskSummary } from '../../src/app/tasks/tasks.ts';
import { DEFAULT_EVENT_QUERY } from '../../src/adapters/db/migrations/0003_task_manager.ts';
import type { Principal } from '../../src/app/context.ts';
import { AppError } from '../../src/errors.ts';
import { insertEmail, makeTeam, makeUser, system } from './helpers.ts';

let t: TestContext;
let admin: Principal, asbOfficer: Principal, complaintsOfficer: Principal, outsider: Principal;
let asbTeam: number, complaintsTeam: number;
let defaultQueryId: number;

beforeAll(async () => {
  t = await createTestContext();
  const { ctx } = t;
  admin = await makeUser(ctx, 'ada', 'admin');
  asbOfficer = await makeUser(ctx, 'asb.officer');
  complaintsOfficer = await makeUser(ctx, 'complaints.officer');
  outsider = await makeUser(ctx, 'outsider');
  asbTeam = await makeTeam(ctx, 'ASB_TEAM', [asbOfficer]);
  complaintsTeam = await makeTeam(ctx, 'COMPLAINTS_TEAM', [complaintsOfficer]);
  await makeTeam(ctx, 'OTHER', [outsider]);

  await uploadWorkflow(ctx, system, (await generateWorkflow('EMAILASB', 'Inbound Emails for ASB')).text);
  await uploadWorkflow(ctx, system, (await generateWorkflow('EMAILCMP', 'Inbound Emails for Complaints')).text);
  const asbGroup = await createJobGroup(ctx, system, { code: 'ASB', name: 'Anti-social behaviour', restricted: true, teamIds: [asbTeam] });
  const asbType = await createJobType(ctx, system, { code: 'EMAIL_ASB', name: 'ASB inbox', jobGroupId: asbGroup.id, workflowCode: 'EMAILASB', defaultTeamId: asbTeam });
  const cmpType = await createJobType(ctx, system, { code: 'EMAIL_COMPLAINTS', name: 'Complaints inbox', workflowCode: 'EMAILCMP', defaultTeamId: complaintsTeam });
  await saveEventType(ctx, system, { code: 'EML_ASB', description: 'Email to the ASB inbox', jobTypeId: asbType.id });
  await saveEventType(ctx, system, { code: 'EML_COMPLAINTS', description: 'Email to the complaints inbox', jobTypeId: cmpType.id });
  defaultQueryId = (await listEventQueries(ctx)).find((q) => q.name === 'Inbound emails')!.id;
});
afterAll(async () => t?.cleanup());

describe('the default event query (the guide\'s §2.2.4 example in PostgreSQL)', () => {
  it('is shipped as written, with only substr/instr → split_part and sysdate → now()', async () => {
    const q = (await listEventQueries(t.ctx)).find((x) => x.id === defaultQueryId)!;
    expect(q.sqlText).toBe(DEFAULT_EVENT_QUERY);
    expect(q.sqlText).toContain("'EML_'||upper(split_part(exce_email_to,'@',1))");
    expect(q.sqlText).toContain("AND NOT EXISTS (SELECT '1' FROM fwf_events   fev");
    expect(q.fetCode).toBe('EML_NOT');
  });

  it('raises one event and one task per new email, assigned by the job type, and nothing on the next run', async () => {
    const a = await insertEmail(t.ctx, 'ASB', 'Noise from flat 3 every night');
    const c = await insertEmail(t.ctx, 'COMPLAINTS', 'Repair not done');
    await insertEmail(t.ctx, 'ASB', 'Out of office', { disposition: 'auto_reply' });

    const run = await runEventQuery(t.ctx, defaultQueryId);
    expect(run).toMatchObject({ ok: true, rows: 2, events: 2, tasks: 2 });
    const again = await runEventQuery(t.ctx, defaultQueryId);
    expect(again).toMatchObject({ ok: true, rows: 0, events: 0, tasks: 0 });

    const tasks = await t.ctx.db.selectFrom('tm_tasks').selectAll().orderBy('id').execute();
    expect(tasks.map((x) => [x.email_id, x.inbox, x.title, x.team_id, x.status])).toEqual([
      [a, 'ASB', 'Noise from flat 3 every night', asbTeam, 'open'],
      [c, 'COMPLAINTS', 'Repair not done', complaintsTeam, 'open'],
    ]);
    const emails = await t.ctx.db.selectFrom('inbound_emails').select(['id', 'task_id']).where('id', 'in', [a, c]).orderBy('id').execute();
    expect(emails.map((e) => e.task_id)).toEqual(tasks.map((x) => x.id));
    const history = await getTaskHistory(t.ctx, admin, tasks[1].id);
    expect(history[0]).toMatchObject({ action: 'created', toStatus: 'open', actor: 'system' });
    expect(history[0].detail).toContain('Inbound emails');
  });

  it('rejects a whole run when one row names an event type that does not exist, and applies none of it', async () => {
    await insertEmail(t.ctx, 'ASB', 'Good row');
    await insertEmail(t.ctx, 'LETTINGS', 'No event type for this inbox');
    const before = await t.ctx.db.selectFrom('tm_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const run = await runEventQuery(t.ctx, defaultQueryId);
    expect(run.ok).toBe(false);
    expect(run.error).toMatch(/there is no event type EML_LETTINGS/);
    const after = await t.ctx.db.selectFrom('tm_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const q = (await listEventQueries(t.ctx)).find((x) => x.id === defaultQueryId)!;
    expect(q.lastOk).toBe(false);
    expect(q.lastError).toMatch(/EML_LETTINGS/);
    // Configure the inbox: the next run applies both rows.
    const jt = await createJobType(t.ctx, system, { code: 'EMAIL_LETTINGS', name: 'Lettings', defaultUserId: complaintsOfficer.id });
    await saveEventType(t.ctx, system, { code: 'EML_LETTINGS', description: 'Lettings inbox', jobTypeId: jt.id });
    expect(await runEventQuery(t.ctx, defaultQueryId)).toMatchObject({ ok: true, events: 2, tasks: 2 });
  });

  it('refuses to save a query PostgreSQL cannot run or that returns the wrong number of columns', async () => {
    const bad = async (sqlText: string) => {
      try {
        await createEventQuery(t.ctx, system, { name: `bad ${Math.random()}`, sqlText });
        throw new Error('saved');
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        return (err as AppError).fields[0];
      }
    };
    expect(await bad('SELECT exce_nonsense FROM exchange_emails')).toMatchObject({ field: 'sqlText', message: expect.stringMatching(/column "exce_nonsense" does not exist/) });
    expect(await bad("SELECT 'EML_ASB', exce_refno, 'EML' FROM exchange_emails")).toMatchObject({ message: expect.stringMatching(/returns 3 columns; an event query returns exactly 9/) });
    expect(await bad('SELECT 1,2,3,4,5,6,7,8,9) q; DELETE FROM users; SELECT (1')).toMatchObject({ field: 'sqlText' });
    expect(await t.ctx.db.selectFrom('users').select('id').execute()).not.toHaveLength(0);
    expect(await bad('DELETE FROM users RETURNING 1,2,3,4,5,6,7,8,9')).toMatchObject({ field: 'sqlText' });
  });

  it('reports a saved query that starts failing on its page and keeps the previous data untouched', async () => {
    const q = await createEventQuery(t.ctx, system, { name: 'Other events', sqlText: "SELECT 'EML_ASB', '1', 'X', now(), NULL, 'CREATE', NULL, NULL, NULL WHERE false" });
    expect((await runEventQuery(t.ctx, q.id)).ok).toBe(true);
    // Wrong column at run time: a text that is not an event type code.
    await updateEventQuery(t.ctx, system, q.id, { name: 'Other events', sqlText: "SELECT 'not a code', '1', 'X', now(), NULL, 'CREATE', NULL, NULL, NULL", fetCode: 'EML_NOT' });
    const run = await runEventQuery(t.ctx, q.id);
    expect(run).toMatchObject({ ok: false, error: expect.stringMatching(/column 1 must be an event type code/) });
    // A query that times out is stopped and reported (the time-out shortened from 15 s to half a second).
    await t.ctx.db.updateTable('tm_event_queries').set({ sql_text: "SELECT 'EML_ASB', '1', 'X', now(), NULL, 'CREATE', NULL, NULL, NULL FROM pg_sleep(20)" }).where('id', '=', q.id).execute();
    const slow = await runEventQuery({ ...t.ctx, config: { ...t.ctx.config, eventQueryTimeoutMs: 500 } }, q.id);
    expect(slow).toMatchObject({ ok: false, error: expect.stringMatching(/longer than 0.5 seconds and was stopped/) });
  });
});

describe('tasks', () => {
  it('moves open → pending → open → complete → open, each change in the history, and refuses complete → pending', async () => {
    const emailId = await insertEmail(t.ctx, 'COMPLAINTS', 'Status walk');
    await runEventQuery(t.ctx, defaultQueryId);
    const task = (await listTasks(t.ctx, complaintsOfficer, { sort: 'newest', limit: 1 })).tasks[0];
    expect(task.emailId).toBe(emailId);
    await setTaskStatus(t.ctx, complaintsOfficer, task.id, 'pending');
    await setTaskStatus(t.ctx, complaintsOfficer, task.id, 'open');
    await setTaskStatus(t.ctx, complaintsOfficer, task.id, 'complete');
    await expect(setTaskStatus(t.ctx, complaintsOfficer, task.id, 'pending')).rejects.toThrow(/A complete task cannot be set to pending/);
    await setTaskStatus(t.ctx, complaintsOfficer, task.id, 'open');
    const h = await getTaskHistory(t.ctx, complaintsOfficer, task.id);
    expect(h.map((x) => [x.fromStatus, x.toStatus, x.actor])).toEqual([
      [null, 'open', 'system'],
      ['open', 'pending', 'complaints.officer'],
      ['pending', 'open', 'complaints.officer'],
      ['open', 'complete', 'complaints.officer'],
      ['complete', 'open', 'complaints.officer'],
    ]);
    const audit = await searchAudit(t.ctx, OPERATOR_VIEWER, { entityType: 'task', entityId: String(task.id) });
    expect(audit.map((e) => e.after)).toEqual([{ status: 'open' }, { status: 'complete' }, { status: 'open' }, { status: 'pending' }]);
  });

  it('shows a task to its team, its assignee and admins only; restricted groups only to their teams', async () => {
    const cmp = (await listTasks(t.ctx, complaintsOfficer, { inbox: 'COMPLAINTS' })).tasks[0];
    const asb = (await listTasks(t.ctx, asbOfficer, { inbox: 'ASB' })).tasks[0];
    expect(cmp && asb).toBeTruthy();
    // Outsider: sees nothing, and a direct read is "not found".
    expect((await listTasks(t.ctx, outsider, {})).tasks).toHaveLength(0);
    await expect(getTask(t.ctx, outsider, cmp.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(getTask(t.ctx, outsider, asb.id)).rejects.toMatchObject({ code: 'not_found' });
    // Admin sees the open group's task but not the restricted ASB one.
    expect((await getTask(t.ctx, admin, cmp.id)).id).toBe(cmp.id);
    await expect(getTask(t.ctx, admin, asb.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await listTasks(t.ctx, admin, { inbox: 'ASB' })).tasks).toHaveLength(0);
    // The ASB team member sees it; the complaints officer does not.
    await expect(getTask(t.ctx, complaintsOfficer, asb.id)).rejects.toMatchObject({ code: 'not_found' });
    // Assigning a complaints task to the outsider personally makes it visible to them.
    await reassignTask(t.ctx, complaintsOfficer, cmp.id, { userId: outsider.id });
    expect((await getTask(t.ctx, outsider, cmp.id)).assigneeUsername).toBe('outsider');
    // A restricted task cannot be given to someone outside the group's teams.
    await expect(reassignTask(t.ctx, asbOfficer, asb.id, { userId: outsider.id })).rejects.toThrow(/restricted job group/);
    await expect(reassignTask(t.ctx, asbOfficer, asb.id, { teamId: complaintsTeam })).rejects.toThrow(/restricted job group/);
  });

  it('pages the list by keyset without gaps or repeats, filters and counts', async () => {
    for (let i = 0; i < 25; i++) await insertEmail(t.ctx, 'COMPLAINTS', `Paging ${i}`);
    await runEventQuery(t.ctx, defaultQueryId);
    const seen: number[] = [];
    let cursor: string | undefined;
    let total: number;
    do {
      const page = await listTasks(t.ctx, complaintsOfficer, { team: complaintsTeam, limit: 7, cursor, sort: 'oldest' });
      total = page.total;
      seen.push(...page.tasks.map((x) => x.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.length).toBe(total);
    expect(total).toBeGreaterThanOrEqual(25);
    const pending = await listTasks(t.ctx, complaintsOfficer, { status: ['pending'] });
    expect(pending.tasks.every((x) => x.status === 'pending')).toBe(true);
  });

  it('bulk-completes and bulk-reassigns, reporting the tasks it could not change', async () => {
    const page = await listTasks(t.ctx, complaintsOfficer, { team: complaintsTeam, status: ['open'], limit: 3 });
    const ids = page.tasks.map((x) => x.id);
    const asb = (await listTasks(t.ctx, asbOfficer, { inbox: 'ASB' })).tasks[0];
    const r = await bulkTaskAction(t.ctx, complaintsOfficer, { taskIds: [...ids, asb.id], action: 'complete' });
    expect(r.done).toEqual(ids);
    expect(r.failed).toEqual([{ id: asb.id, reason: `There is no task ${asb.id}` }]);
    const r2 = await bulkTaskAction(t.ctx, complaintsOfficer, { taskIds: ids, action: 'reassign', userId: complaintsOfficer.id });
    expect(r2.done).toEqual(ids);
    for (const id of ids) expect((await getTask(t.ctx, complaintsOfficer, id)).assigneeUserId).toBe(complaintsOfficer.id);
  });

  it('summarises open / pending / complete per workflow category for me and my teams', async () => {
    const rows = await taskSummary(t.ctx, complaintsOfficer);
    const teams = rows.find((r) => r.workflowCode === 'EMAILCMP' && r.scope === 'my-teams')!;
    expect(teams.workflowName).toBe('Inbound Emails for Complaints');
    expect(teams.open + teams.pending + teams.complete).toBeGreaterThanOrEqual(25);
    expect(rows.find((r) => r.scope === 'me')!.complete).toBeGreaterThanOrEqual(3);
    expect(rows.some((r) => r.workflowCode === 'EMAILASB')).toBe(false);
  });

  it('creates a follow-up task of another job type, linked to the first', async () => {
    const task = (await listTasks(t.ctx, complaintsOfficer, { team: complaintsTeam })).tasks[0];
    const jt = (await t.ctx.db.selectFrom('tm_job_types').select('id').where('code', '=', 'EMAIL_LETTINGS').executeTakeFirstOrThrow()).id;
    const f = await createFollowUpTask(t.ctx, complaintsOfficer, task.id, { jobTypeId: jt, title: 'Book a repair visit' });
    expect(f).toMatchObject({ parentTaskId: task.id, jobTypeCode: 'EMAIL_LETTINGS', assigneeUserId: complaintsOfficer.id, title: 'Book a repair visit' });
    expect((await getTaskHistory(t.ctx, complaintsOfficer, task.id)).at(-1)).toMatchObject({ action: 'follow-up created' });
  });
});

describe('workflow files', () => {
  it('generates the guide\'s find-and-replace result and registers the category on upload', async () => {
    const { fileName, text } = await generateWorkflow('emailasb', 'Inbound Emails for ASB');
    expect(fileName).toBe('EMAILASB.wft');
    expect(text).toContain('code = EMAILASB');
    expect(text).toContain('summary = Inbound Emails for ASB Pending');
    expect(text).toContain('summary = Inbound Emails for ASB Complete');
    expect(text).not.toContain('ATCAREP');
    expect(text).not.toContain('Repair Authorisations');
    expect((await listWorkflows(t.ctx)).map((w) => w.code)).toContain('EMAILASB');
  });

  it('refuses codes over 8 characters and files that are not workflow files', async () => {
    await expect(generateWorkflow('EMAILASB9', 'x')).rejects.toMatchObject({ fields: [{ field: 'code' }] });
    await expect(uploadWorkflow(t.ctx, system, 'MZ\u0000\u0001')).rejects.toMatchObject({ code: 'validation' });
    await expect(uploadWorkflow(t.ctx, system, '[workflow]\nformat = 1\ncode = TOOLONGCODE\nname = x\n')).rejects.toMatchObject({ fields: [{ field: 'code' }] });
  });
});
