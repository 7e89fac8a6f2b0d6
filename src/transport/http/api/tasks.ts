import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import {
  bulkTaskAction, createFollowUpTask, getTask, getTaskHistory, listTasks, reassignTask, setTaskStatus, taskSummary, type Task as TaskView,
} from '../../../app/tasks/tasks.ts';
import { getTaskDetails } from '../../../app/tasks/task-details.ts';
import { replyToTask } from '../../../app/tasks/reply-to-task.ts';
import { TASK_STATUSES } from '../../../domain/tasks/status.ts';
import { displaySafeName } from '../../../domain/text/bidi.ts';
import type { ApiCatalogue } from './define.ts';
import { iso } from './schemas.ts';

// /api/v1/tasks: the Task List, Task Details and their actions. Every operation sees only the tasks
// the caller may see; another task is 404, exactly as if it did not exist.

const Status = z.enum(TASK_STATUSES);
const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const TaskId = z.object({ id: Id });

export const Task = z
  .object({
    id: z.number().int(),
    title: z.string(),
    status: Status,
    jobType: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
    workflow: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
    restricted: z.boolean().describe('The job group is restricted: only its teams see the task'),
    team: z.object({ id: z.number().int(), code: z.string().nullable() }).nullable(),
    assignee: z.object({ id: z.number().int(), username: z.string().nullable(), displayName: z.string().nullable() }).nullable(),
    inbox: z.string().nullable(),
    emailId: z.number().int().nullable(),
    parentTaskId: z.number().int().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Task' });

export const toApiTask = (t: TaskView): z.infer<typeof Task> => ({
  id: t.id,
  title: t.title,
  status: t.status,
  jobType: { id: t.jobTypeId, code: t.jobTypeCode, name: t.jobTypeName },
  workflow: t.workflowCode ? { code: t.workflowCode, name: t.workflowName } : null,
  restricted: t.restricted,
  team: t.teamId !== null ? { id: t.teamId, code: t.teamCode } : null,
  assignee: t.assigneeUserId !== null ? { id: t.assigneeUserId, username: t.assigneeUsername, displayName: t.assigneeName } : null,
  inbox: t.inbox,
  emailId: t.emailId,
  parentTaskId: t.parentTaskId,
  createdAt: iso(t.createdAt)!,
  updatedAt: iso(t.updatedAt)!,
});

const HistoryEntry = z
  .object({ at: z.iso.datetime(), actor: z.string(), action: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), detail: z.string().nullable() })
  .meta({ id: 'TaskHistoryEntry' });

const Attachment = z
  .object({
    id: z.number().int(),
    name: z.string().describe('The name as the sender gave it, byte for byte; may hold bidi controls'),
    displayName: z.string().describe('The name to show: every bidi control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) replaced by U+FFFD, so "invoice\u202Efdp.exe" cannot pass for a PDF'),
    kind: z.enum(['file', 'inline', 'item', 'reference']),
    size: z.number().int(),
    detectedType: z.string().nullable(),
    saved: z.boolean(),
    rejectedReason: z.string().nullable(),
    downloadUrl: z.string().nullable().describe('Same-origin URL (needs a session); null when rejected or a link'),
  })
  .meta({ id: 'TaskAttachment' });

const Email = z
  .object({
    id: z.number().int(),
    inbox: z.string(),
    from: z.object({
      address: z.string().nullable(),
      name: z.string().nullable().describe('As the sender gave it; may hold bidi controls'),
      displayName: z.string().nullable().describe('The name to show, bidi controls replaced by U+FFFD'),
    }),
    to: z.array(z.object({ address: z.string(), name: z.string().optional() })),
    cc: z.array(z.object({ address: z.string(), name: z.string().optional() })),
    subject: z.string(),
    receivedAt: z.iso.datetime(),
    importance: z.enum(['low', 'normal', 'high']),
    internetMessageId: z.string().nullable(),
    bodyText: z.string().nullable().describe('The text body, or the HTML body as text; HTML itself is only served sanitised to the page'),
    hasHtml: z.boolean(),
    attachments: z.array(Attachment),
  })
  .meta({ id: 'TaskEmail' });

const TaskDetails = z.object({ task: Task, emails: z.array(Email), history: z.array(HistoryEntry) }).meta({ id: 'TaskDetails' });

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).optional());

const ListQuery = z.object({
  workflow: z.string().max(8).optional().describe('Workflow category code; "-" for tasks without one'),
  status: csv(Status).describe('Comma-separated: open,pending,complete'),
  assignee: Id.optional().describe('User id'),
  team: Id.optional(),
  inbox: z.string().max(30).optional().describe('EXCHANGE_INBOX code, e.g. ASB'),
  from: z.string().max(40).optional().describe('Created at or after (ISO date/time)'),
  to: z.string().max(40).optional().describe('Created before (ISO date/time)'),
  scope: z.enum(['me', 'my-teams']).optional(),
  sort: z.enum(['newest', 'oldest']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(200).optional().describe('`next` from the previous page'),
});

export function registerTaskApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  const tag = 'Tasks';
  api.add(app, {
    method: 'GET', path: '/tasks', operationId: 'listTasks', tag, role: 'officer',
    summary: 'The Task List: filter, sort, keyset pages',
    query: ListQuery,
    status: 200,
    response: z.object({ tasks: z.array(Task), next: z.string().nullable(), total: z.number().int(), totalCapped: z.boolean() }).meta({ id: 'TaskPage' }),
    handler: async ({ query, principal }) => {
      const page = await listTasks(ctx, principal, query);
      return { tasks: page.tasks.map(toApiTask), next: page.next, total: page.total, totalCapped: page.totalCapped };
    },
  });

  api.add(app, {
    method: 'GET', path: '/tasks/summary', operationId: 'taskSummary', tag, role: 'officer',
    summary: 'Task Manager Summary: open / pending / complete per workflow category, for me and my teams',
    status: 200,
    response: z.array(z.object({ workflowCode: z.string().nullable(), workflowName: z.string().nullable(), scope: z.enum(['me', 'my-teams']), open: z.number().int(), pending: z.number().int(), complete: z.number().int() })),
    handler: async ({ principal }) => taskSummary(ctx, principal),
  });

  api.add(app, {
    method: 'GET', path: '/tasks/{id}', operationId: 'getTask', tag, role: 'officer',
    summary: 'Task Details: the task, its emails (text only) with attachments, and its history',
    params: TaskId,
    status: 200,
    response: TaskDetails,
    handler: async ({ params, principal }) => {
      const d = await getTaskDetails(ctx, principal, params.id);
      return {
        task: toApiTask(d.task),
        emails: d.emails.map((e) => ({
          id: e.id,
          inbox: e.inbox,
          from: { address: e.fromAddress, name: e.fromName, displayName: displaySafeName(e.fromName) },
          to: e.to,
          cc: e.cc,
          subject: e.subject,
          receivedAt: iso(e.receivedAt)!,
          importance: e.importance,
          internetMessageId: e.internetMessageId,
          bodyText: e.bodyText,
          hasHtml: e.bodyHtml !== null,
          attachments: e.attachments.map((a) => ({
            id: a.id, name: a.name, displayName: displaySafeName(a.name), kind: a.kind, size: a.size, detectedType: a.detectedType, saved: a.blobSha256 !== null, rejectedReason: displaySafeName(a.rejectedReason),
            downloadUrl: a.blobSha256 ? `/tasks/${d.task.id}/attachments/${a.id}` : null,
          })),
        })),
        history: d.history.map((h) => ({ at: iso(h.at)!, actor: h.actor, action: h.action, fromStatus: h.fromStatus, toStatus: h.toStatus, detail: h.detail })),
      };
    },
  });

  api.add(app, {
    method: 'GET', path: '/tasks/{id}/history', operationId: 'getTaskHistory', tag, role: 'officer',
    summary: "A task's history: every change, who and when",
    params: TaskId,
    status: 200,
    response: z.array(HistoryEntry),
    handler: async ({ params, principal }) =>
      (await getTaskHistory(ctx, principal, params.id)).map((h) => ({ at: iso(h.at)!, actor: h.actor, action: h.action, fromStatus: h.fromStatus, toStatus: h.toStatus, detail: h.detail })),
  });

  api.add(app, {
    method: 'POST', path: '/tasks/{id}/status', operationId: 'setTaskStatus', tag, role: 'officer',
    summary: 'Set to open, pending or complete (allowed moves: open → pending/complete, pending → open/complete, complete → open)',
    params: TaskId,
    body: z.object({ status: Status, note: z.string().max(2000).optional() }).strict().meta({ id: 'TaskStatusChange' }),
    status: 200,
    response: Task,
    handler: async ({ params, body, principal }) => toApiTask(await setTaskStatus(ctx, principal, params.id, body.status, body.note)),
  });

  api.add(app, {
    method: 'POST', path: '/tasks/{id}/reassign', operationId: 'reassignTask', tag, role: 'officer',
    summary: 'Give the task to a team and/or a person',
    params: TaskId,
    body: z.object({ teamId: Id.nullable().optional(), userId: Id.nullable().optional(), note: z.string().max(2000).optional() }).strict().meta({ id: 'TaskReassign' }),
    status: 200,
    response: Task,
    handler: async ({ params, body, principal }) => toApiTask(await reassignTask(ctx, principal, params.id, body)),
  });

  api.add(app, {
    method: 'POST', path: '/tasks/{id}/follow-ups', operationId: 'createFollowUpTask', tag, role: 'officer',
    summary: 'Start a housing process from the task: a follow-up task of another job type',
    params: TaskId,
    body: z.object({ jobTypeId: Id, title: z.string().max(300) }).strict().meta({ id: 'FollowUpTask' }),
    status: 201,
    response: Task,
    handler: async ({ params, body, principal }) => toApiTask(await createFollowUpTask(ctx, principal, params.id, body)),
  });

  api.add(app, {
    method: 'POST', path: '/tasks/{id}/reply', operationId: 'replyToTask', tag, role: 'officer',
    summary: 'Reply to the resident from the shared inbox they wrote to (created on their message, so it threads; sent once through the outbox)',
    params: TaskId,
    body: z
      .object({
        text: z.string().max(100_000).optional(),
        template: z.string().max(40).optional(),
        replyAll: z.boolean().optional(),
        attachmentIds: z.array(z.number().int().positive()).max(50).optional(),
        attachments: z.array(z.object({ name: z.string().min(1).max(255), contentType: z.string().min(3).max(200).optional(), content: z.string().max(60_000_000) }).strict()).max(20).optional(),
      })
      .strict()
      .meta({ id: 'TaskReply' }),
    status: 202,
    response: z.object({ outboxId: z.string(), to: z.string(), from: z.string(), subject: z.string() }),
    handler: async ({ params, body, principal }) => replyToTask(ctx, principal, params.id, body),
  });

  api.add(app, {
    method: 'POST', path: '/tasks/bulk', operationId: 'bulkTaskAction', tag, role: 'officer',
    summary: 'Complete or reassign many tasks; each succeeds or fails on its own',
    body: z.object({ taskIds: z.array(Id).min(1).max(500), action: z.enum(['complete', 'reassign']), teamId: Id.nullable().optional(), userId: Id.nullable().optional() }).strict().meta({ id: 'TaskBulkAction' }),
    status: 200,
    response: z.object({ done: z.array(z.number().int()), failed: z.array(z.object({ id: z.number().int(), reason: z.string() })) }),
    handler: async ({ body, principal }) => bulkTaskAction(ctx, principal, body),
  });

  void getTask;
}
