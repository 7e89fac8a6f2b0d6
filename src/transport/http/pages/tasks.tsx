import { organisationZone } from '../../../app/complaints/clock.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { bulkTaskAction, createFollowUpTask, listTasks, reassignTask, setTaskStatus, taskSummary } from '../../../app/tasks/tasks.ts';
import { getTaskDetails } from '../../../app/tasks/task-details.ts';
import { listJobTypes } from '../../../app/tasks/setup.ts';
import { replyToTask } from '../../../app/tasks/reply-to-task.ts';
import { listTeams, listUsers } from '../../../app/users.ts';
import type { TaskStatus } from '../../../domain/tasks/status.ts';
import { AppError } from '../../../errors.ts';
import { requirePageUser } from '../auth.ts';
import { pageInfo, sendPage } from './layout.tsx';
import { SummaryPage } from './task-summary-page.tsx';
import { ListPage } from './task-list-page.tsx';
import { DetailsPage } from './task-details-page.tsx';
import { COMPLAINT_DONE, registerComplaintActions, type ComplaintAttempt } from './complaint-panel.tsx';
import { complaintBadges, complaintCounts, getComplaintForTask } from '../../../app/complaints/view.ts';
import { safeNextPath } from '../safe-next.ts';

// Task Manager pages (guide §2.2.1): Summary, Task List, Task Details. Every read goes through the
// app layer's visibility rule, so a task someone may not see is a 404 page, not a hidden row.

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (s: unknown) => (typeof s === 'string' && /^\d{1,15}$/.test(s) ? Number(s) : undefined);

const DONE: Record<string, string> = { status: 'Status changed', reassigned: 'Task reassigned', 'follow-up': 'Follow-up task created', reply: 'Reply queued in the outbox', ...COMPLAINT_DONE };

export function registerTaskPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageUser() };
  const people = async () => {
    const [teams, users] = await Promise.all([listTeams(ctx), listUsers(ctx)]);
    return { teams: teams.map((t) => ({ id: t.id, code: t.code })), users: users.filter((u) => u.active).map((u) => ({ id: u.id, username: u.username, displayName: u.displayName })) };
  };

  app.get('/tasks', guard, async (request, reply) =>
    sendPage(reply, <SummaryPage page={pageInfo(ctx, request, 'Task Manager Summary', 'tasks')} rows={await taskSummary(ctx, request.principal!)} complaints={await complaintCounts(ctx, request.principal!)} />),
  );

  const renderList = async (request: FastifyRequest, reply: FastifyReply, extra: { banner?: string; problems?: string[] } = {}) => {
    const raw = request.query as Record<string, unknown>;
    const query = Object.fromEntries(['status', 'workflow', 'inbox', 'team', 'assignee', 'from', 'to', 'scope', 'sort', 'cursor'].map((k) => [k, str(raw[k])]).filter(([, v]) => v)) as Record<string, string>;
    const page = await listTasks(ctx, request.principal!, {
      status: query.status ? [query.status as TaskStatus] : undefined,
      workflow: query.workflow,
      inbox: query.inbox,
      team: num(query.team),
      assignee: num(query.assignee),
      from: query.from || undefined,
      to: query.to || undefined,
      scope: query.scope as 'me' | 'my-teams' | undefined,
      sort: (query.sort as 'newest' | 'oldest') || 'newest',
      cursor: query.cursor,
      limit: 50,
    });
    const [p, complaints, timeZone] = await Promise.all([people(), complaintBadges(ctx, page.tasks.map((t) => t.id)), organisationZone(ctx.db)]);
    return sendPage(reply, <ListPage page={pageInfo(ctx, request, 'Task List', 'tasks')} query={query} {...page} {...p} complaints={complaints} timeZone={timeZone} {...extra} />);
  };
  app.get('/tasks/list', guard, (request, reply) => renderList(request, reply, { banner: str((request.query as Record<string, unknown>).done) ? 'Tasks updated' : undefined }));

  app.post('/tasks/bulk', guard, async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, unknown>;
    const ids = (Array.isArray(b.taskIds) ? b.taskIds : [b.taskIds]).map(num).filter((x): x is number => x !== undefined);
    const requested = safeNextPath(b.back, '/tasks/list');
    const back = requested.startsWith('/tasks/list') ? requested : '/tasks/list';
    try {
      const r = await bulkTaskAction(ctx, request.principal!, { taskIds: ids, action: str(b.action) === 'reassign' ? 'reassign' : 'complete', teamId: num(b.teamId) ?? null, userId: num(b.userId) ?? null });
      if (r.failed.length === 0) return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}done=1`, 303);
      request.query = Object.fromEntries(new URL(back, 'http://x').searchParams);
      return renderList(request, reply, { banner: r.done.length ? `${r.done.length} task(s) updated` : undefined, problems: r.failed.map((f) => `Task ${f.id}: ${f.reason}`) });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      request.query = Object.fromEntries(new URL(back, 'http://x').searchParams);
      return renderList(request, reply, { problems: [err.fields[0]?.message ?? err.message] });
    }
  });

  const renderDetails = async (request: FastifyRequest, reply: FastifyReply, id: number, extra: { banner?: string; error?: string; errorTarget?: string; complaintAttempt?: ComplaintAttempt } = {}, status = 200) => {
    const d = await getTaskDetails(ctx, request.principal!, id);
    const [p, jobTypes, complaint] = await Promise.all([people(), listJobTypes(ctx), getComplaintForTask(ctx, request.principal!, id)]);
    const images = str((request.query as Record<string, unknown>).images) === 'show';
    return sendPage(reply, <DetailsPage page={pageInfo(ctx, request, `Task ${id}`, 'tasks', Boolean(extra.error))} d={d} {...p} jobTypes={jobTypes} images={images} complaint={complaint} {...extra} />, status);
  };
  registerComplaintActions(app, ctx, renderDetails);

  app.get<{ Params: { id: string } }>('/tasks/:id', guard, (request, reply) => {
    const done = str((request.query as Record<string, unknown>).done);
    return renderDetails(request, reply, num(request.params.id) ?? -1, { banner: DONE[done] });
  });

  const action = (path: string, run: (id: number, body: Record<string, unknown>, request: FastifyRequest) => Promise<unknown>, done: string) =>
    app.post<{ Params: { id: string } }>(`/tasks/:id/${path}`, guard, async (request, reply) => {
      const id = num(request.params.id) ?? -1;
      try {
        await run(id, (request.body ?? {}) as Record<string, unknown>, request);
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
        return renderDetails(request, reply, id, { error: err.fields[0]?.message ?? err.message }, err.code === 'conflict' ? 409 : 422);
      }
      return reply.redirect(`/tasks/${id}?done=${done}`, 303);
    });
  action('status', (id, b, r) => setTaskStatus(ctx, r.principal!, id, str(b.status) as TaskStatus), 'status');
  action('reassign', (id, b, r) => reassignTask(ctx, r.principal!, id, { teamId: num(b.teamId) ?? null, userId: num(b.userId) ?? null }), 'reassigned');
  action('reply', (id, b, r) => replyToTask(ctx, r.principal!, id, { text: str(b.text) || undefined, template: str(b.template) || undefined }), 'reply');
  action('follow-up', (id, b, r) => createFollowUpTask(ctx, r.principal!, id, { jobTypeId: num(b.jobTypeId) ?? 0, title: str(b.title) }), 'follow-up');
}
