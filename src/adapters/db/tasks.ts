import { sql, type SqlBool } from 'kysely';
import type { Db } from './database.ts';
import type { TaskStatus } from '../../domain/tasks/status.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';
import { visibleTo } from './visibility.ts';

// Tasks, their history and the Task List query. Visibility (adapters/db/visibility.ts) is part of
// every read here, so a task the viewer may not see is simply not found (404), never filtered afterwards.

export interface Task {
  id: number;
  title: string;
  status: TaskStatus;
  jobTypeId: number;
  jobTypeCode: string;
  jobTypeName: string;
  workflowCode: string | null;
  workflowName: string | null;
  restricted: boolean;
  jobGroupId: number | null;
  teamId: number | null;
  teamCode: string | null;
  assigneeUserId: number | null;
  assigneeUsername: string | null;
  assigneeName: string | null;
  inbox: string | null;
  emailId: number | null;
  parentTaskId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TaskHistoryEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  detail: string | null;
}

const idList = (ids: readonly number[]) => (ids.length ? sql.join(ids.map((i) => sql`${i}`)) : sql`NULL`);

function baseQuery(db: Db) {
  return db
    .selectFrom('tm_tasks as t')
    .innerJoin('tm_job_types as jt', 'jt.id', 't.job_type_id')
    .leftJoin('tm_job_groups as g', 'g.id', 'jt.job_group_id')
    .leftJoin('tm_workflows as w', 'w.code', 'jt.workflow_code')
    .leftJoin('teams as tm', 'tm.id', 't.team_id')
    .leftJoin('users as u', 'u.id', 't.assignee_user_id')
    .select([
      't.id', 't.title', 't.status', 't.job_type_id', 'jt.code as job_type_code', 'jt.name as job_type_name', 'jt.workflow_code', 'w.name as workflow_name',
      'g.restricted', 'g.id as job_group_id', 't.team_id', 'tm.code as team_code', 't.assignee_user_id', 'u.username', 'u.display_name',
      't.inbox', 't.email_id', 't.parent_task_id', 't.created_at', 't.updated_at',
    ]);
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

const toTask = (r: BaseRow): Task => ({
  id: r.id,
  title: r.title,
  status: r.status,
  jobTypeId: r.job_type_id,
  jobTypeCode: r.job_type_code,
  jobTypeName: r.job_type_name,
  workflowCode: r.workflow_code,
  workflowName: r.workflow_name,
  restricted: r.restricted ?? false,
  jobGroupId: r.job_group_id,
  teamId: r.team_id,
  teamCode: r.team_code,
  assigneeUserId: r.assignee_user_id,
  assigneeUsername: r.username,
  assigneeName: r.display_name,
  inbox: r.inbox,
  emailId: r.email_id,
  parentTaskId: r.parent_task_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function selectVisibleTask(db: Db, viewer: Viewer, id: number): Promise<Task | undefined> {
  const r = await baseQuery(db).where('t.id', '=', id).where(visibleTo(viewer)).executeTakeFirst();
  return r && toTask(r);
}

export async function selectTaskUnchecked(db: Db, id: number): Promise<Task | undefined> {
  const r = await baseQuery(db).where('t.id', '=', id).executeTakeFirst();
  return r && toTask(r);
}

export interface TaskFilter {
  workflowCode?: string;
  statuses?: TaskStatus[];
  assigneeUserId?: number;
  teamId?: number;
  inbox?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Only tasks assigned to the viewer or their teams (the summary's "mine" links). */
  scope?: 'me' | 'my-teams';
}

export type TaskSort = 'newest' | 'oldest';

export interface TaskPage {
  tasks: Task[];
  /** Opaque keyset cursor for the next page, or null on the last page. */
  next: string | null;
}

const encodeCursor = (t: Task) => Buffer.from(`${t.createdAt.toISOString()}|${t.id}`).toString('base64url');
function decodeCursor(c: string): { at: Date; id: number } | undefined {
  const [at, id] = Buffer.from(c, 'base64url').toString().split('|');
  const d = new Date(at);
  return Number.isNaN(d.getTime()) || !/^\d{1,18}$/.test(id ?? '') ? undefined : { at: d, id: Number(id) };
}

function applyFilter<Q extends ReturnType<typeof baseQuery>>(q: Q, viewer: Viewer, f: TaskFilter): Q {
  let out = q.where(visibleTo(viewer)) as Q;
  if (f.workflowCode) out = (f.workflowCode === '-' ? out.where('jt.workflow_code', 'is', null) : out.where('jt.workflow_code', '=', f.workflowCode)) as Q;
  if (f.statuses?.length) out = out.where('t.status', 'in', f.statuses) as Q;
  if (f.assigneeUserId !== undefined) out = out.where('t.assignee_user_id', '=', f.assigneeUserId) as Q;
  if (f.teamId !== undefined) out = out.where('t.team_id', '=', f.teamId) as Q;
  if (f.inbox) out = out.where('t.inbox', '=', f.inbox) as Q;
  if (f.createdFrom) out = out.where('t.created_at', '>=', f.createdFrom) as Q;
  if (f.createdTo) out = out.where('t.created_at', '<', f.createdTo) as Q;
  if (f.scope === 'me') out = out.where('t.assignee_user_id', '=', viewer.userId) as Q;
  if (f.scope === 'my-teams') out = out.where(sql<SqlBool>`t.team_id IN (${idList(viewer.teamIds)})`) as Q;
  return out;
}

export async function selectTaskPage(db: Db, viewer: Viewer, f: TaskFilter, opts: { sort: TaskSort; limit: number; cursor?: string }): Promise<TaskPage> {
  let q = applyFilter(baseQuery(db), viewer, f);
  const after = opts.cursor ? decodeCursor(opts.cursor) : undefined;
  if (opts.sort === 'newest') {
    if (after) q = q.where(sql<SqlBool>`(t.created_at, t.id) < (${after.at}, ${after.id})`);
    q = q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc');
  } else {
    if (after) q = q.where(sql<SqlBool>`(t.created_at, t.id) > (${after.at}, ${after.id})`);
    q = q.orderBy('t.created_at', 'asc').orderBy('t.id', 'asc');
  }
  const rows = (await q.limit(opts.limit + 1).execute()).map(toTask);
  const more = rows.length > opts.limit;
  const tasks = more ? rows.slice(0, opts.limit) : rows;
  return { tasks, next: more ? encodeCursor(tasks[tasks.length - 1]) : null };
}

/** How many tasks match, counted up to `cap` (an exact count of 100,000 rows is not worth the wait). */
export async function countTasks(db: Db, viewer: Viewer, f: TaskFilter, cap = 1_000): Promise<{ count: number; capped: boolean }> {
  const inner = applyFilter(baseQuery(db), viewer, f).clearSelect().select('t.id').limit(cap + 1);
  const r = await db.selectFrom(inner.as('x')).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { count: Math.min(r.n, cap), capped: r.n > cap };
}

export interface SummaryRow {
  workflowCode: string | null;
  workflowName: string | null;
  scope: 'me' | 'my-teams';
  open: number;
  pending: number;
  complete: number;
}

export async function selectSummary(db: Db, viewer: Viewer): Promise<SummaryRow[]> {
  const teams = idList(viewer.teamIds);
  const rows = await sql<{ workflow_code: string | null; workflow_name: string | null; scope: 'me' | 'my-teams'; open: number; pending: number; complete: number }>`
    SELECT jt.workflow_code, w.name AS workflow_name, s.scope,
           count(*) FILTER (WHERE t.status = 'open')::int AS open,
           count(*) FILTER (WHERE t.status = 'pending')::int AS pending,
           count(*) FILTER (WHERE t.status = 'complete')::int AS complete
      FROM tm_tasks t
      JOIN tm_job_types jt ON jt.id = t.job_type_id
      LEFT JOIN tm_job_groups g ON g.id = jt.job_group_id
      LEFT JOIN tm_workflows w ON w.code = jt.workflow_code
      CROSS JOIN LATERAL (VALUES ('me'), ('my-teams')) AS s(scope)
     WHERE ${visibleTo(viewer)}
       AND ((s.scope = 'me' AND t.assignee_user_id = ${viewer.userId}) OR (s.scope = 'my-teams' AND t.team_id IN (${teams})))
     GROUP BY jt.workflow_code, w.name, s.scope
     ORDER BY w.name NULLS LAST, s.scope`.execute(db);
  return rows.rows.map((r) => ({ workflowCode: r.workflow_code, workflowName: r.workflow_name, scope: r.scope, open: r.open, pending: r.pending, complete: r.complete }));
}

export async function selectHistory(db: Db, taskId: number): Promise<TaskHistoryEntry[]> {
  const rows = await db.selectFrom('tm_task_history').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, fromStatus: r.from_status, toStatus: r.to_status, detail: r.detail }));
}

export async function insertHistory(db: Db, e: { taskId: number; actor: string; action: string; fromStatus?: string | null; toStatus?: string | null; detail?: string | null; at?: Date }): Promise<void> {
  await db
    .insertInto('tm_task_history')
    .values({ task_id: e.taskId, actor: e.actor, action: e.action, from_status: e.fromStatus ?? null, to_status: e.toStatus ?? null, detail: e.detail ?? null, at: e.at ?? new Date() })
    .execute();
}

export async function insertTask(
  db: Db,
  v: { jobTypeId: number; title: string; teamId: number | null; assigneeUserId: number | null; eventId?: number | null; emailId?: number | null; parentTaskId?: number | null; inbox?: string | null; at: Date },
): Promise<number> {
  const r = await db
    .insertInto('tm_tasks')
    .values({
      job_type_id: v.jobTypeId,
      title: v.title,
      team_id: v.teamId,
      assignee_user_id: v.assigneeUserId,
      event_id: v.eventId ?? null,
      email_id: v.emailId ?? null,
      parent_task_id: v.parentTaskId ?? null,
      inbox: v.inbox ?? null,
      created_at: v.at,
      updated_at: v.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Row-locks the task for a change; undefined when it does not exist. */
export async function lockTask(db: Db, id: number): Promise<{ status: TaskStatus; teamId: number | null; assigneeUserId: number | null } | undefined> {
  const r = await db.selectFrom('tm_tasks').select(['status', 'team_id', 'assignee_user_id']).where('id', '=', id).forUpdate().executeTakeFirst();
  return r && { status: r.status, teamId: r.team_id, assigneeUserId: r.assignee_user_id };
}

export async function updateTaskRow(db: Db, id: number, patch: { status?: TaskStatus; teamId?: number | null; assigneeUserId?: number | null; at: Date }): Promise<void> {
  await db
    .updateTable('tm_tasks')
    .set({ status: patch.status, team_id: patch.teamId, assignee_user_id: patch.assigneeUserId, updated_at: patch.at })
    .where('id', '=', id)
    .execute();
}

export async function selectGroupTeamIds(db: Db, jobGroupId: number | null): Promise<number[]> {
  if (jobGroupId === null) return [];
  return (await db.selectFrom('tm_job_group_teams').select('team_id').where('job_group_id', '=', jobGroupId).execute()).map((r) => r.team_id);
}

/** Many new tasks and their "created" history entries in two statements; ids in input order. */
export async function insertTasksBulk(
  db: Db,
  rows: Array<{ jobTypeId: number; title: string; teamId: number | null; assigneeUserId: number | null; eventId: number | null; emailId: number | null; inbox: string | null; detail: string }>,
  actor: string,
  at: Date,
): Promise<number[]> {
  if (!rows.length) return [];
  const r = await sql<{ id: number }>`
    INSERT INTO tm_tasks (job_type_id, title, team_id, assignee_user_id, event_id, email_id, inbox, created_at, updated_at)
    SELECT u.jt, u.title, u.team, u.usr, u.ev, u.em, u.inbox, ${at}, ${at}
      FROM unnest(${rows.map((x) => x.jobTypeId)}::int[], ${rows.map((x) => x.title)}::text[], ${rows.map((x) => x.teamId)}::int[], ${rows.map((x) => x.assigneeUserId)}::int[],
                  ${rows.map((x) => x.eventId)}::bigint[], ${rows.map((x) => x.emailId)}::bigint[], ${rows.map((x) => x.inbox)}::text[]) WITH ORDINALITY AS u(jt, title, team, usr, ev, em, inbox, ord)
     ORDER BY u.ord
    RETURNING id`.execute(db);
  const ids = r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
  await sql`
    INSERT INTO tm_task_history (task_id, actor, action, to_status, detail, at)
    SELECT u.t, ${actor}, 'created', 'open', u.d, ${at} FROM unnest(${ids}::bigint[], ${rows.map((x) => x.detail)}::text[]) AS u(t, d)`.execute(db);
  return ids;
}
