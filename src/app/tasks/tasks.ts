import { recordAudit } from '../audit.ts';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Db } from '../../adapters/db/database.ts';
import {
  countTasks, insertHistory, lockTask, selectGroupTeamIds, selectHistory, selectSummary, selectTaskPage, selectTaskUnchecked, selectVisibleTask, updateTaskRow,
  type SummaryRow, type Task, type TaskFilter, type TaskHistoryEntry, type TaskPage, type TaskSort,
} from '../../adapters/db/tasks.ts';
import { selectJobTypes, teamIdsOfUser } from '../../adapters/db/task-setup.ts';
import { selectTeamCodeById, selectUserBy } from '../../adapters/db/users.ts';
import { TASK_STATUSES, TASK_STATUS_LABELS, transitionProblem, type TaskStatus } from '../../domain/tasks/status.ts';
import { assigneeProblem } from '../../domain/tasks/visibility.ts';
import { parseOrThrow } from '../validation.ts';
import { raiseTask } from './raise-task.ts';
import { viewerOf } from './viewer.ts';
import type { AppContext, Principal } from '../context.ts';

export type { SummaryRow, Task, TaskFilter, TaskHistoryEntry, TaskPage, TaskSort };

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const TaskListInput = z.object({
  workflow: z.string().trim().toUpperCase().max(8).optional().or(z.literal('-')),
  status: z.array(z.enum(TASK_STATUSES)).max(3).optional(),
  assignee: Id.optional(),
  team: Id.optional(),
  inbox: z.string().trim().toUpperCase().max(30).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  scope: z.enum(['me', 'my-teams']).optional(),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type TaskListInput = z.input<typeof TaskListInput>;

export async function listTasks(ctx: AppContext, principal: Principal, input: TaskListInput): Promise<TaskPage & { total: number; totalCapped: boolean }> {
  const v = parseOrThrow(TaskListInput, input);
  const viewer = await viewerOf(ctx, principal);
  const filter: TaskFilter = {
    workflowCode: v.workflow || undefined,
    statuses: v.status,
    assigneeUserId: v.assignee,
    teamId: v.team,
    inbox: v.inbox || undefined,
    createdFrom: v.from,
    createdTo: v.to,
    scope: v.scope,
  };
  const [page, total] = await Promise.all([selectTaskPage(ctx.db, viewer, filter, { sort: v.sort, limit: v.limit, cursor: v.cursor }), countTasks(ctx.db, viewer, filter)]);
  return { ...page, total: total.count, totalCapped: total.capped };
}

export async function taskSummary(ctx: AppContext, principal: Principal): Promise<SummaryRow[]> {
  return selectSummary(ctx.db, await viewerOf(ctx, principal));
}

/** A task the principal may see; anything else is "not found" (a 404 reveals nothing). */
export async function getTask(ctx: AppContext, principal: Principal, id: number): Promise<Task> {
  const task = await selectVisibleTask(ctx.db, await viewerOf(ctx, principal), id);
  if (!task) throw new AppError('not_found', `There is no task ${id}`);
  return task;
}

export async function getTaskHistory(ctx: AppContext, principal: Principal, id: number): Promise<TaskHistoryEntry[]> {
  await getTask(ctx, principal, id);
  return selectHistory(ctx.db, id);
}

async function changeInTx<T>(ctx: AppContext, principal: Principal, id: number, fn: (trx: Db, current: { status: TaskStatus; teamId: number | null; assigneeUserId: number | null }, task: Task) => Promise<T>): Promise<T> {
  const task = await getTask(ctx, principal, id);
  return ctx.db.transaction().execute(async (trx) => {
    const current = await lockTask(trx, id);
    if (!current) throw new AppError('not_found', `There is no task ${id}`);
    return fn(trx, current, task);
  });
}

export async function setTaskStatus(ctx: AppContext, principal: Principal, id: number, to: TaskStatus, note?: string): Promise<Task> {
  const status = parseOrThrow(z.enum(TASK_STATUSES), to);
  await changeInTx(ctx, principal, id, async (trx, current) => {
    const problem = transitionProblem(current.status, status);
    if (problem) throw new AppError('conflict', problem, [{ field: 'status', message: problem }]);
    const at = ctx.now();
    await updateTaskRow(trx, id, { status, at });
    await insertHistory(trx, { taskId: id, actor: principal.username, action: `set to ${TASK_STATUS_LABELS[status].toLowerCase()}`, fromStatus: current.status, toStatus: status, detail: note?.slice(0, 2000) ?? null, at });
    await recordAudit(trx, principal, { action: 'task.status', entityType: 'task', entityId: id, summary: `Task ${id} set to ${TASK_STATUS_LABELS[status].toLowerCase()}`, before: { status: current.status }, after: { status } });
  });
  ctx.logger.info({ taskId: id, status, by: principal.username }, 'task status changed');
  return getTask(ctx, principal, id);
}

export const ReassignInput = z
  .object({ teamId: Id.nullable().optional(), userId: Id.nullable().optional(), note: z.string().max(2000).optional() })
  .refine((v) => v.teamId != null || v.userId != null, { message: 'choose a team or a person to assign the task to', path: ['teamId'] });
export type ReassignInput = z.input<typeof ReassignInput>;

/**
 * Gives the task to a team, a person or both. Giving it to a person alone keeps the team (the team
 * still sees it); a task of a restricted group only goes to that group's teams and their members.
 */
export async function reassignTask(ctx: AppContext, principal: Principal, id: number, input: ReassignInput): Promise<Task> {
  const v = parseOrThrow(ReassignInput, input);
  await changeInTx(ctx, principal, id, async (trx, current, task) => {
    let teamCode: string | null = null;
    let username: string | null = null;
    if (v.teamId != null) {
      teamCode = (await selectTeamCodeById(trx, v.teamId)) ?? null;
      if (!teamCode) throw AppError.validation('teamId', `There is no team with id ${v.teamId}`);
    }
    let userTeamIds: number[] | undefined;
    if (v.userId != null) {
      const user = await selectUserBy(trx, { id: v.userId });
      if (!user || !user.active) throw AppError.validation('userId', `There is no active user with id ${v.userId}`);
      username = user.username;
      userTeamIds = await teamIdsOfUser(trx, v.userId);
    }
    const groupTeamIds = await selectGroupTeamIds(trx, task.jobGroupId);
    const problem = assigneeProblem({ restricted: task.restricted, groupTeamIds }, { teamId: v.teamId, userTeamIds });
    if (problem) throw AppError.validation(v.teamId != null ? 'teamId' : 'userId', problem);
    const teamId = v.teamId !== undefined && v.teamId !== null ? v.teamId : current.teamId;
    const assigneeUserId = v.userId !== undefined ? v.userId : v.teamId != null ? null : current.assigneeUserId;
    const at = ctx.now();
    await updateTaskRow(trx, id, { teamId, assigneeUserId, at });
    const to = [teamCode && `team ${teamCode}`, username && `${username}`].filter(Boolean).join(', ');
    await insertHistory(trx, { taskId: id, actor: principal.username, action: 'reassigned', detail: `to ${to}${v.note ? ` – ${v.note}` : ''}`, at });
    await recordAudit(trx, principal, { action: 'task.reassign', entityType: 'task', entityId: id, summary: `Task ${id} reassigned to ${to}`, before: { teamId: current.teamId, assigneeUserId: current.assigneeUserId }, after: { teamId, assigneeUserId } });
  });
  ctx.logger.info({ taskId: id, by: principal.username }, 'task reassigned');
  return getTask(ctx, principal, id);
}

export const BulkInput = z.object({
  taskIds: z.array(Id).min(1, 'select at least one task').max(500),
  action: z.enum(['complete', 'reassign']),
  teamId: Id.nullable().optional(),
  userId: Id.nullable().optional(),
});
export type BulkInput = z.input<typeof BulkInput>;

/** Bulk complete / reassign from the Task List. Each task succeeds or fails on its own, with its reason. */
export async function bulkTaskAction(ctx: AppContext, principal: Principal, input: BulkInput): Promise<{ done: number[]; failed: Array<{ id: number; reason: string }> }> {
  const v = parseOrThrow(BulkInput, input);
  if (v.action === 'reassign' && v.teamId == null && v.userId == null) throw AppError.validation('teamId', 'choose a team or a person to assign the tasks to');
  const done: number[] = [];
  const failed: Array<{ id: number; reason: string }> = [];
  for (const id of [...new Set(v.taskIds)]) {
    try {
      if (v.action === 'complete') await setTaskStatus(ctx, principal, id, 'complete');
      else await reassignTask(ctx, principal, id, { teamId: v.teamId, userId: v.userId });
      done.push(id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failed.push({ id, reason: err.message });
    }
  }
  return { done, failed };
}

export const FollowUpInput = z.object({ jobTypeId: Id, title: z.string().trim().min(1, 'enter what needs doing').max(300) });

/** "Start a housing process from the task": a follow-up task of another job type, linked to this one. */
export async function createFollowUpTask(ctx: AppContext, principal: Principal, id: number, input: z.input<typeof FollowUpInput>): Promise<Task> {
  const v = parseOrThrow(FollowUpInput, input);
  const parent = await getTask(ctx, principal, id);
  const jobType = (await selectJobTypes(ctx.db)).find((j) => j.id === v.jobTypeId);
  if (!jobType) throw AppError.validation('jobTypeId', `There is no job type with id ${v.jobTypeId}`);
  const newId = await ctx.db.transaction().execute(async (trx) => {
    const at = ctx.now();
    const taskId = await raiseTask(trx, { jobType, title: v.title, actor: principal.username, detail: `Follow-up of task ${parent.id}`, at, parentTaskId: parent.id, inbox: parent.inbox });
    await insertHistory(trx, { taskId: parent.id, actor: principal.username, action: 'follow-up created', detail: `task ${taskId} (${jobType.code}): ${v.title}`, at });
    return taskId;
  });
  const created = await selectTaskUnchecked(ctx.db, newId);
  return created!;
}
