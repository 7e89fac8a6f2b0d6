import { sql, type SqlBool } from 'kysely';
import type { Db } from './database.ts';
import { visibleTo } from './visibility.ts';
import type { CaseState, CaseStep, Deadline, DeadlineBasis, DeadlineKind } from '../../domain/complaints/case.ts';
import type { ComplaintPolicy } from '../../domain/complaints/policy.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';

// Complaint cases, their deadlines and steps. Every list and report query goes through the task
// visibility rule (visibleTo), so a complaint is seen exactly by those who may see its task.

export interface StoredDeadline extends Deadline {
  id: number;
  createdAt: Date;
  supersededAt: Date | null;
  metOn: string | null;
}

export interface StoredStep {
  id: number;
  step: CaseStep;
  stage: 1 | 2 | null;
  on: string;
  at: Date;
  actor: string;
  fromState: CaseState;
  toState: CaseState;
  reason: string | null;
  goodReason: string | null;
  newDue: string | null;
  outboxId: string | null;
}

export interface ComplaintCase {
  id: number;
  taskId: number;
  jobTypeId: number;
  policy: ComplaintPolicy;
  receivedAt: Date;
  receivedOn: string;
  state: CaseState;
  currentDue: string | null;
  currentKind: DeadlineKind | null;
  createdAt: Date;
  updatedAt: Date;
  deadlines: StoredDeadline[];
  steps: StoredStep[];
}

const caseColumns = [
  'c.id', 'c.task_id', 'c.job_type_id', 'c.policy', 'c.received_at', sql<string>`c.received_on::text`.as('received_on'), 'c.state',
  sql<string | null>`c.current_due::text`.as('current_due'), 'c.current_kind', 'c.created_at', 'c.updated_at',
] as const;

export async function insertCase(db: Db, v: { taskId: number; jobTypeId: number; policy: ComplaintPolicy; receivedAt: Date; receivedOn: string; currentDue: string; at: Date }): Promise<number> {
  const r = await db
    .insertInto('complaint_cases')
    .values({ task_id: v.taskId, job_type_id: v.jobTypeId, policy: JSON.stringify(v.policy), received_at: v.receivedAt, received_on: v.receivedOn, state: 'stage1_new', current_due: v.currentDue, current_kind: 'acknowledge', created_at: v.at, updated_at: v.at })
    .onConflict((oc) => oc.column('task_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id ?? 0;
}

export async function insertDeadline(db: Db, caseId: number, d: Deadline, at: Date): Promise<void> {
  await db.insertInto('complaint_deadlines').values({ case_id: caseId, stage: d.stage, kind: d.kind, due_on: d.due, basis: JSON.stringify(d.basis), created_at: at }).execute();
}

/** The open deadline of a stage and kind is replaced (extension): it stays, marked superseded. */
export async function supersedeOpenDeadline(db: Db, caseId: number, stage: 1 | 2, kind: DeadlineKind, at: Date): Promise<void> {
  await db.updateTable('complaint_deadlines').set({ superseded_at: at }).where('case_id', '=', caseId).where('stage', '=', stage).where('kind', '=', kind).where('superseded_at', 'is', null).where('met_on', 'is', null).execute();
}

/** The step was done on `on`: every deadline of that stage and kind records it (the Code's original date too). */
export async function meetDeadlines(db: Db, caseId: number, stage: 1 | 2, kind: DeadlineKind, on: string): Promise<void> {
  await db.updateTable('complaint_deadlines').set({ met_on: on }).where('case_id', '=', caseId).where('stage', '=', stage).where('kind', '=', kind).where('met_on', 'is', null).execute();
}

export async function insertStep(db: Db, caseId: number, s: Omit<StoredStep, 'id'>): Promise<void> {
  await db
    .insertInto('complaint_steps')
    .values({ case_id: caseId, step: s.step, stage: s.stage, on_date: s.on, at: s.at, actor: s.actor, from_state: s.fromState, to_state: s.toState, reason: s.reason, good_reason: s.goodReason, new_due: s.newDue, outbox_id: s.outboxId })
    .execute();
}

export async function updateCaseRow(db: Db, id: number, v: { state: CaseState; currentDue: string | null; currentKind: DeadlineKind | null; at: Date }): Promise<void> {
  await db.updateTable('complaint_cases').set({ state: v.state, current_due: v.currentDue, current_kind: v.currentKind, updated_at: v.at }).where('id', '=', id).execute();
}

/** The case of a task with its deadlines and steps; `lock` row-locks the case for a change. */
export async function selectCaseOfTask(db: Db, taskId: number, opts: { lock?: boolean } = {}): Promise<ComplaintCase | undefined> {
  let q = db.selectFrom('complaint_cases as c').select(caseColumns).where('c.task_id', '=', taskId);
  if (opts.lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  const [deadlines, steps] = await Promise.all([
    db.selectFrom('complaint_deadlines').select(['id', 'stage', 'kind', sql<string>`due_on::text`.as('due'), 'basis', 'created_at', 'superseded_at', sql<string | null>`met_on::text`.as('met')]).where('case_id', '=', r.id).orderBy('id').execute(),
    db.selectFrom('complaint_steps').select(['id', 'step', 'stage', sql<string>`on_date::text`.as('on'), 'at', 'actor', 'from_state', 'to_state', 'reason', 'good_reason', sql<string | null>`new_due::text`.as('new_due'), 'outbox_id']).where('case_id', '=', r.id).orderBy('id').execute(),
  ]);
  return {
    id: r.id,
    taskId: r.task_id,
    jobTypeId: r.job_type_id,
    policy: r.policy as ComplaintPolicy,
    receivedAt: r.received_at,
    receivedOn: r.received_on,
    state: r.state as CaseState,
    currentDue: r.current_due,
    currentKind: r.current_kind,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deadlines: deadlines.map((d) => ({ id: d.id, stage: d.stage as 1 | 2, kind: d.kind, due: d.due, basis: d.basis as DeadlineBasis, createdAt: d.created_at, supersededAt: d.superseded_at, metOn: d.met })),
    steps: steps.map((s) => ({ id: s.id, step: s.step as CaseStep, stage: s.stage as 1 | 2 | null, on: s.on, at: s.at, actor: s.actor, fromState: s.from_state as CaseState, toState: s.to_state as CaseState, reason: s.reason, goodReason: s.good_reason, newDue: s.new_due, outboxId: s.outbox_id })),
  };
}

export interface CaseBadge {
  taskId: number;
  state: CaseState;
  currentDue: string | null;
  currentKind: DeadlineKind | null;
}

/** The complaint state of each of these tasks that is a complaint (callers pass tasks they may see). */
export async function selectBadges(db: Db, taskIds: readonly number[]): Promise<Map<number, CaseBadge>> {
  if (!taskIds.length) return new Map();
  const rows = await db.selectFrom('complaint_cases as c').select(['c.task_id', 'c.state', sql<string | null>`c.current_due::text`.as('due'), 'c.current_kind']).where('c.task_id', 'in', [...taskIds]).execute();
  return new Map(rows.map((r) => [r.task_id, { taskId: r.task_id, state: r.state as CaseState, currentDue: r.due, currentKind: r.current_kind }]));
}

export interface ComplaintListFilter {
  stage?: 1 | 2;
  /** open: not closed (default); all: closed too. */
  include?: 'open' | 'all';
  /** overdue: due before `today`; due_soon: today ≤ due ≤ soonUntil; on_time: after soonUntil. */
  due?: 'overdue' | 'due_soon' | 'on_time';
  today: string;
  soonUntil: string;
  /** Only complaints assigned to this person or one of their teams. */
  mine?: { userId: number; teamIds: readonly number[] };
  sort: 'deadline' | 'received';
  limit: number;
}

export interface ComplaintListRow extends CaseBadge {
  title: string;
  receivedAt: Date;
  /** The day of receipt in the organisation's zone. */
  receivedOn: string;
  teamCode: string | null;
  assigneeName: string | null;
  jobTypeCode: string;
}

export async function selectComplaintList(db: Db, viewer: Viewer, f: ComplaintListFilter): Promise<{ rows: ComplaintListRow[]; more: boolean }> {
  let q = db
    .selectFrom('complaint_cases as c')
    .innerJoin('tm_tasks as t', 't.id', 'c.task_id')
    .innerJoin('tm_job_types as jt', 'jt.id', 't.job_type_id')
    .leftJoin('tm_job_groups as g', 'g.id', 'jt.job_group_id')
    .leftJoin('teams as tm', 'tm.id', 't.team_id')
    .leftJoin('users as u', 'u.id', 't.assignee_user_id')
    .select(['c.task_id', 'c.state', sql<string | null>`c.current_due::text`.as('due'), 'c.current_kind', 'c.received_at', sql<string>`c.received_on::text`.as('received_on'), 't.title', 'tm.code as team_code', 'u.display_name', 'jt.code as job_type_code'])
    .where(visibleTo(viewer));
  if ((f.include ?? 'open') === 'open') q = q.where('c.state', '<>', 'closed');
  if (f.stage) q = q.where(sql<SqlBool>`c.state LIKE ${`stage${f.stage}%`}`);
  if (f.mine) {
    const { userId, teamIds } = f.mine;
    q = q.where((eb) => eb.or([eb('t.assignee_user_id', '=', userId), ...(teamIds.length ? [eb('t.team_id', 'in', [...teamIds])] : [])]));
  }
  if (f.due === 'overdue') q = q.where(sql<SqlBool>`c.current_due < ${f.today}::date`);
  if (f.due === 'due_soon') q = q.where(sql<SqlBool>`c.current_due BETWEEN ${f.today}::date AND ${f.soonUntil}::date`);
  if (f.due === 'on_time') q = q.where(sql<SqlBool>`c.current_due > ${f.soonUntil}::date`);
  q = f.sort === 'deadline' ? q.orderBy(sql`c.current_due`, sql`ASC NULLS LAST`).orderBy('c.id') : q.orderBy('c.received_at', 'desc').orderBy('c.id', 'desc');
  const rows = await q.limit(f.limit + 1).execute();
  return {
    more: rows.length > f.limit,
    rows: rows.slice(0, f.limit).map((r) => ({ taskId: r.task_id, state: r.state as CaseState, currentDue: r.due, currentKind: r.current_kind, title: r.title, receivedAt: r.received_at, receivedOn: r.received_on, teamCode: r.team_code, assigneeName: r.display_name, jobTypeCode: r.job_type_code })),
  };
}

export interface CaseReportRow {
  caseId: number;
  taskId: number;
  state: CaseState;
  receivedOn: string;
  currentDue: string | null;
  deadlines: Array<{ id: number; stage: 1 | 2; kind: DeadlineKind; due: string; metOn: string | null; rule: string }>;
  escalatedOn: string | null;
  extensions: { 1: number; 2: number };
}

/** Every case the viewer may see that started in [from, to], was escalated in it, or is open now. */
export async function selectCasesForReport(db: Db, viewer: Viewer, from: string, to: string): Promise<CaseReportRow[]> {
  const cases = await db
    .selectFrom('complaint_cases as c')
    .innerJoin('tm_tasks as t', 't.id', 'c.task_id')
    .innerJoin('tm_job_types as jt', 'jt.id', 't.job_type_id')
    .leftJoin('tm_job_groups as g', 'g.id', 'jt.job_group_id')
    .select(['c.id', 'c.task_id', 'c.state', sql<string>`c.received_on::text`.as('received_on'), sql<string | null>`c.current_due::text`.as('due')])
    .where(visibleTo(viewer))
    .where(sql<SqlBool>`(c.received_on BETWEEN ${from}::date AND ${to}::date OR c.state <> 'closed'
      OR EXISTS (SELECT 1 FROM complaint_steps s WHERE s.case_id = c.id AND s.step = 'escalated' AND s.on_date BETWEEN ${from}::date AND ${to}::date))`)
    .orderBy('c.id')
    .execute();
  if (!cases.length) return [];
  const ids = cases.map((c) => c.id);
  const [deadlines, steps] = await Promise.all([
    db.selectFrom('complaint_deadlines').select(['id', 'case_id', 'stage', 'kind', sql<string>`due_on::text`.as('due'), sql<string | null>`met_on::text`.as('met'), sql<string>`basis->>'rule'`.as('rule')]).where('case_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('complaint_steps').select(['case_id', 'step', sql<string>`on_date::text`.as('on')]).where('case_id', 'in', ids).where('step', 'in', ['escalated', 'stage1_extended', 'stage2_extended']).orderBy('id').execute(),
  ]);
  return cases.map((c) => {
    const mine = steps.filter((s) => s.case_id === c.id);
    return {
      caseId: c.id,
      taskId: c.task_id,
      state: c.state as CaseState,
      receivedOn: c.received_on,
      currentDue: c.due,
      deadlines: deadlines.filter((d) => d.case_id === c.id).map((d) => ({ id: d.id, stage: d.stage as 1 | 2, kind: d.kind, due: d.due, metOn: d.met, rule: d.rule })),
      escalatedOn: mine.find((s) => s.step === 'escalated')?.on ?? null,
      extensions: { 1: mine.filter((s) => s.step === 'stage1_extended').length, 2: mine.filter((s) => s.step === 'stage2_extended').length },
    };
  });
}

/** Open cases with a deadline on or before `until`, soonest first (the reminder email), outside restricted job groups. */
export async function selectDueCases(db: Db, until: string, limit = 500): Promise<Array<{ taskId: number; title: string; state: CaseState; due: string; kind: DeadlineKind; teamCode: string | null; assigneeName: string | null }>> {
  const rows = await db
    .selectFrom('complaint_cases as c')
    .innerJoin('tm_tasks as t', 't.id', 'c.task_id')
    .innerJoin('tm_job_types as jt', 'jt.id', 't.job_type_id')
    .leftJoin('tm_job_groups as g', 'g.id', 'jt.job_group_id')
    .leftJoin('teams as tm', 'tm.id', 't.team_id')
    .leftJoin('users as u', 'u.id', 't.assignee_user_id')
    .select(['c.task_id', 't.title', 'c.state', sql<string>`c.current_due::text`.as('due'), 'c.current_kind', 'tm.code as team_code', 'u.display_name'])
    // The reminder goes to one address: never the titles of a restricted group's tasks.
    .where(sql<SqlBool>`NOT coalesce(g.restricted, false)`)
    .where('c.current_due', 'is not', null)
    .where(sql<SqlBool>`c.current_due <= ${until}::date`)
    .orderBy('c.current_due')
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ taskId: r.task_id, title: r.title, state: r.state as CaseState, due: r.due, kind: r.current_kind!, teamCode: r.team_code, assigneeName: r.display_name }));
}

export interface ComplaintCountRow {
  stage: 1 | 2;
  due: 'overdue' | 'due_soon' | 'on_time' | 'waiting';
  n: number;
}

/** Open complaints the viewer may see, counted by stage and deadline state. */
export async function selectComplaintCounts(db: Db, viewer: Viewer, today: string, soonUntil: string): Promise<ComplaintCountRow[]> {
  const rows = await sql<{ stage: number; due: ComplaintCountRow['due']; n: number }>`
    SELECT CASE WHEN c.state LIKE 'stage1%' THEN 1 ELSE 2 END AS stage,
           CASE WHEN c.current_due IS NULL THEN 'waiting' WHEN c.current_due < ${today}::date THEN 'overdue'
                WHEN c.current_due <= ${soonUntil}::date THEN 'due_soon' ELSE 'on_time' END AS due,
           count(*)::int AS n
      FROM complaint_cases c
      JOIN tm_tasks t ON t.id = c.task_id
      JOIN tm_job_types jt ON jt.id = t.job_type_id
      LEFT JOIN tm_job_groups g ON g.id = jt.job_group_id
     WHERE c.state <> 'closed' AND ${visibleTo(viewer)}
     GROUP BY 1, 2`.execute(db);
  return rows.rows.map((r) => ({ stage: r.stage as 1 | 2, due: r.due, n: r.n }));
}

/** Of these new tasks, the ones whose job type has a complaint policy, with when their email arrived. */
export async function selectComplaintTasks(db: Db, taskIds: readonly number[]): Promise<Array<{ id: number; jobTypeId: number; createdAt: Date; receivedAt: Date | null }>> {
  if (!taskIds.length) return [];
  const rows = await db
    .selectFrom('tm_tasks as t')
    .innerJoin('complaint_policies as p', 'p.job_type_id', 't.job_type_id')
    .leftJoin('inbound_emails as e', 'e.id', 't.email_id')
    .select(['t.id', 't.job_type_id', 't.created_at', 'e.received_at'])
    .where('t.id', 'in', [...taskIds])
    .execute();
  return rows.map((r) => ({ id: r.id, jobTypeId: r.job_type_id!, createdAt: r.created_at, receivedAt: r.received_at }));
}
