import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { displaySafeName } from '../../../domain/text/bidi.ts';
import type { AppContext } from '../../../app/context.ts';
import { bulkTaskAction, createFollowUpTask, listTasks, reassignTask, setTaskStatus, taskSummary, type SummaryRow, type Task } from '../../../app/tasks/tasks.ts';
import { getTaskDetails, type TaskDetails } from '../../../app/tasks/task-details.ts';
import { listJobTypes } from '../../../app/tasks/setup.ts';
import { replyToTask } from '../../../app/tasks/reply-to-task.ts';
import { listTeams, listUsers } from '../../../app/users.ts';
import { TASK_STATUSES, TASK_STATUS_LABELS, TASK_TRANSITIONS, type TaskStatus } from '../../../domain/tasks/status.ts';
import { formatBytes } from '../../../domain/inbound/attachment-policy.ts';
import { AppError } from '../../../errors.ts';
import { requirePageUser } from '../auth.ts';
import { ErrorSummary, Select, SuccessBanner, Tag, TextInput } from './components.tsx';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { safeNextPath } from '../safe-next.ts';

// Task Manager pages (guide §2.2.1): Summary, Task List, Task Details. Every read goes through the
// app layer's visibility rule, so a task someone may not see is a 404 page, not a hidden row.

const STATUS_COLOUR: Record<TaskStatus, 'blue' | 'yellow' | 'green'> = { open: 'blue', pending: 'yellow', complete: 'green' };
const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (s: unknown) => (typeof s === 'string' && /^\d{1,15}$/.test(s) ? Number(s) : undefined);

function TasksNav({ current }: { current: 'summary' | 'list' }): JSX.Element {
  return (
    <nav class="moj-sub-navigation" aria-label="Task Manager">
      <ul class="moj-sub-navigation__list">
        <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="/tasks" aria-current={current === 'summary' ? 'page' : undefined}>Summary</a></li>
        <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="/tasks/list" aria-current={current === 'list' ? 'page' : undefined}>Task List</a></li>
      </ul>
    </nav>
  );
}

function SummaryPage({ page, rows }: { page: PageInfo; rows: SummaryRow[] }): JSX.Element {
  const categories = [...new Map(rows.map((r) => [r.workflowCode ?? '-', r.workflowName ?? 'No workflow category'])).entries()];
  const link = (code: string, scope: string, status: TaskStatus, n: number) => (
    <a class="govuk-link" href={`/tasks/list?workflow=${encodeURIComponent(code)}&scope=${scope}&status=${status}`}>
      {String(n)}<span class="govuk-visually-hidden">{` ${status} tasks`}</span>
    </a>
  );
  return (
    <Layout page={page}>
      <TasksNav current="summary" />
      <h1 class="govuk-heading-l">Task Manager Summary</h1>
      {categories.length === 0 ? <p class="govuk-body">There are no tasks for you or your teams.</p> : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--m">Tasks by workflow category</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Workflow category</th>
              <th scope="col" class="govuk-table__header">For</th>
              {TASK_STATUSES.map((s) => <th scope="col" class="govuk-table__header govuk-table__header--numeric">{TASK_STATUS_LABELS[s]}</th>)}
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {categories.flatMap(([code, name]) =>
              (['me', 'my-teams'] as const).map((scope) => {
                const r = rows.find((x) => (x.workflowCode ?? '-') === code && x.scope === scope);
                return (
                  <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header" safe>{name}</th>
                    <td class="govuk-table__cell">{scope === 'me' ? 'Me' : 'My teams'}</td>
                    {TASK_STATUSES.map((s) => <td class="govuk-table__cell govuk-table__cell--numeric">{link(code, scope, s, r?.[s] ?? 0)}</td>)}
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

interface ListProps {
  page: PageInfo;
  query: Record<string, string>;
  tasks: Task[];
  next: string | null;
  total: number;
  totalCapped: boolean;
  teams: Array<{ id: number; code: string }>;
  users: Array<{ id: number; username: string; displayName: string }>;
  banner?: string;
  problems?: string[];
}

function ListPage(p: ListProps): JSX.Element {
  const q = p.query;
  const nextHref = p.next ? `/tasks/list?${new URLSearchParams({ ...q, cursor: p.next })}` : null;
  const firstHref = q.cursor ? `/tasks/list?${new URLSearchParams(Object.fromEntries(Object.entries(q).filter(([k]) => k !== 'cursor')))}` : null;
  return (
    <Layout page={p.page}>
      <TasksNav current="list" />
      <SuccessBanner heading={p.banner} />
      {p.problems?.length ? <ErrorSummary errors={Object.fromEntries(p.problems.map((m, i) => [`bulk-${i}`, m]))} /> : ''}
      <h1 class="govuk-heading-l">Task List</h1>
      <form method="get" action="/tasks/list" class="app-filter">
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-quarter"><Select id="status" name="status" label="Status" value={q.status ?? ''} items={[{ value: '', text: 'Any' }, ...TASK_STATUSES.map((s) => ({ value: s, text: TASK_STATUS_LABELS[s] }))]} /></div>
          <div class="govuk-grid-column-one-quarter"><TextInput id="workflow" name="workflow" label="Workflow category" value={q.workflow} width="10" /></div>
          <div class="govuk-grid-column-one-quarter"><TextInput id="inbox" name="inbox" label="Inbox" value={q.inbox} width="10" /></div>
          <div class="govuk-grid-column-one-quarter"><Select id="sort" name="sort" label="Sort" value={q.sort ?? 'newest'} items={[{ value: 'newest', text: 'Newest first' }, { value: 'oldest', text: 'Oldest first' }]} /></div>
        </div>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-quarter"><Select id="team" name="team" label="Team" value={q.team ?? ''} items={[{ value: '', text: 'Any' }, ...p.teams.map((t) => ({ value: String(t.id), text: t.code }))]} /></div>
          <div class="govuk-grid-column-one-quarter"><Select id="assignee" name="assignee" label="Assigned to" value={q.assignee ?? ''} items={[{ value: '', text: 'Anyone' }, ...p.users.map((u) => ({ value: String(u.id), text: u.displayName }))]} /></div>
          <div class="govuk-grid-column-one-quarter"><TextInput id="from" name="from" label="Created from (YYYY-MM-DD)" value={q.from} width="10" /></div>
          <div class="govuk-grid-column-one-quarter"><TextInput id="to" name="to" label="Created before (YYYY-MM-DD)" value={q.to} width="10" /></div>
        </div>
        {q.scope ? <input type="hidden" name="scope" value={q.scope} /> : ''}
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Apply filters</button>
      </form>
      <p class="govuk-body" id="task-count">{`${p.total}${p.totalCapped ? '+' : ''} task${p.total === 1 ? '' : 's'}`}</p>
      {p.tasks.length === 0 ? <p class="govuk-body" id="no-tasks">No tasks match.</p> : (
        <form method="post" action="/tasks/bulk">
          <CsrfField token={p.page.csrfToken} />
          <input type="hidden" name="back" value={`/tasks/list?${new URLSearchParams(q)}`} />
          <table class="govuk-table" id="task-table">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Select</span></th>
                {['Task', 'Status', 'Category', 'Inbox', 'Team', 'Assigned to', 'Created'].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {p.tasks.map((t) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    <div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
                      <input class="govuk-checkboxes__input" type="checkbox" id={`select-${t.id}`} name="taskIds" value={String(t.id)} />
                      <label class="govuk-label govuk-checkboxes__label" for={`select-${t.id}`}><span class="govuk-visually-hidden" safe>{`Select task ${t.id}`}</span></label>
                    </div></div>
                  </td>
                  <td class="govuk-table__cell"><a class="govuk-link" href={`/tasks/${t.id}`} safe>{t.title}</a></td>
                  <td class="govuk-table__cell"><Tag text={TASK_STATUS_LABELS[t.status]} colour={STATUS_COLOUR[t.status]} /></td>
                  <td class="govuk-table__cell" safe>{t.workflowName ?? t.jobTypeName}</td>
                  <td class="govuk-table__cell" safe>{t.inbox ?? ''}</td>
                  <td class="govuk-table__cell" safe>{t.teamCode ?? ''}</td>
                  <td class="govuk-table__cell" safe>{t.assigneeName ?? ''}</td>
                  <td class="govuk-table__cell">{when(t.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-one-third"><Select id="bulk-team" name="teamId" label="Reassign selected to team" items={[{ value: '', text: '—' }, ...p.teams.map((t) => ({ value: String(t.id), text: t.code }))]} /></div>
            <div class="govuk-grid-column-one-third"><Select id="bulk-user" name="userId" label="or to person" items={[{ value: '', text: '—' }, ...p.users.map((u) => ({ value: String(u.id), text: u.displayName }))]} /></div>
          </div>
          <div class="govuk-button-group">
            <button type="submit" name="action" value="reassign" class="govuk-button govuk-button--secondary" data-module="govuk-button">Reassign selected</button>
            <button type="submit" name="action" value="complete" class="govuk-button" data-module="govuk-button">Complete selected</button>
          </div>
        </form>
      )}
      <nav class="govuk-pagination" aria-label="Pages of tasks">
        {firstHref ? <div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href={firstHref}><span class="govuk-pagination__link-title">First page</span></a></div> : ''}
        {nextHref ? <div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href={nextHref} rel="next"><span class="govuk-pagination__link-title">Next page</span></a></div> : ''}
      </nav>
    </Layout>
  );
}

interface DetailsProps {
  page: PageInfo;
  d: TaskDetails;
  teams: Array<{ id: number; code: string }>;
  users: Array<{ id: number; displayName: string }>;
  jobTypes: Array<{ id: number; code: string; name: string }>;
  banner?: string;
  error?: string;
  images: boolean;
}

function DetailsPage({ page, d, teams, users, jobTypes, banner, error, images }: DetailsProps): JSX.Element {
  const t = d.task;
  return (
    <Layout page={page}>
      <a href="/tasks/list" class="govuk-back-link">Back to the Task List</a>
      <SuccessBanner heading={banner} />
      {error ? <ErrorSummary errors={{ action: error }} /> : ''}
      <span class="govuk-caption-l" safe>{`Task ${t.id} · ${t.workflowName ?? t.jobTypeName}`}</span>
      <h1 class="govuk-heading-l" safe>{t.title}</h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Status</dt><dd class="govuk-summary-list__value" id="task-status"><Tag text={TASK_STATUS_LABELS[t.status]} colour={STATUS_COLOUR[t.status]} /></dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Job type</dt><dd class="govuk-summary-list__value" safe>{`${t.jobTypeName} (${t.jobTypeCode})${t.restricted ? ' – restricted' : ''}`}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Team</dt><dd class="govuk-summary-list__value" safe>{t.teamCode ?? '—'}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Assigned to</dt><dd class="govuk-summary-list__value" safe>{t.assigneeName ?? '—'}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Created</dt><dd class="govuk-summary-list__value">{when(t.createdAt)}</dd></div>
        {t.parentTaskId ? <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Follow-up of</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href={`/tasks/${t.parentTaskId}`}>{`Task ${t.parentTaskId}`}</a></dd></div> : ''}
      </dl>

      <h2 class="govuk-heading-m">Actions</h2>
      <div class="govuk-button-group">
        {TASK_TRANSITIONS[t.status].map((to) => (
          <form method="post" action={`/tasks/${t.id}/status`} class="app-inline-form">
            <CsrfField token={page.csrfToken} />
            <input type="hidden" name="status" value={to} />
            <button type="submit" class={['govuk-button', to !== 'complete' && 'govuk-button--secondary']} data-module="govuk-button">
              {to === 'complete' ? 'Set to complete' : to === 'pending' ? 'Set to pending' : 'Reopen'}
            </button>
          </form>
        ))}
      </div>
      <details class="govuk-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Reassign</span></summary>
        <div class="govuk-details__text">
          <form method="post" action={`/tasks/${t.id}/reassign`}>
            <CsrfField token={page.csrfToken} />
            <Select id="reassign-team" name="teamId" label="Team" items={[{ value: '', text: '—' }, ...teams.map((x) => ({ value: String(x.id), text: x.code }))]} />
            <Select id="reassign-user" name="userId" label="Person" items={[{ value: '', text: '—' }, ...users.map((u) => ({ value: String(u.id), text: u.displayName }))]} />
            <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Reassign</button>
          </form>
        </div>
      </details>
      <details class="govuk-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Reply to the sender</span></summary>
        <div class="govuk-details__text">
          <form method="post" action={`/tasks/${t.id}/reply`}>
            <CsrfField token={page.csrfToken} />
            <div class="govuk-form-group">
              <label class="govuk-label" for="reply-text">Your reply (sent from the organisation's address through the outbox; the subject carries the task number)</label>
              <textarea class="govuk-textarea" id="reply-text" name="text" rows="6"></textarea>
            </div>
            <TextInput id="reply-template" name="template" label="Or an email template code (optional)" width="20" />
            <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Send reply</button>
          </form>
        </div>
      </details>
      <details class="govuk-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Start a housing process (follow-up task)</span></summary>
        <div class="govuk-details__text">
          <form method="post" action={`/tasks/${t.id}/follow-up`}>
            <CsrfField token={page.csrfToken} />
            <Select id="follow-type" name="jobTypeId" label="Job type" items={jobTypes.map((j) => ({ value: String(j.id), text: `${j.name} (${j.code})` }))} />
            <TextInput id="follow-title" name="title" label="What needs doing" />
            <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Create follow-up task</button>
          </form>
          <p class="govuk-body">Or <a class="govuk-link" href="/appointments/find">book an appointment</a> for the resident.</p>
        </div>
      </details>

      {d.emails.map((e, i) => (
        <section class="app-email" aria-labelledby={`email-${e.id}-heading`}>
          <h2 class="govuk-heading-m" id={`email-${e.id}-heading`}>{i === 0 ? 'Email' : `Reply ${i}`}</h2>
          <dl class="govuk-summary-list govuk-summary-list--no-border">
            <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">From</dt><dd class="govuk-summary-list__value" safe>{e.fromAddress ? displaySafeName(`${e.fromName ? `${e.fromName} ` : ''}<${e.fromAddress}>`) : '(no sender)'}</dd></div>
            <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">To</dt><dd class="govuk-summary-list__value" safe>{displaySafeName(e.to.map((r) => r.address).join(', '))}</dd></div>
            {e.cc.length ? <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Cc</dt><dd class="govuk-summary-list__value" safe>{displaySafeName(e.cc.map((r) => r.address).join(', '))}</dd></div> : ''}
            <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Subject</dt><dd class="govuk-summary-list__value" safe>{e.subject || '(no subject)'}</dd></div>
            <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Received</dt><dd class="govuk-summary-list__value">{when(e.receivedAt)}</dd></div>
          </dl>
          {e.bodyHtml !== null ? (
            <>
              <iframe class="app-email-frame" title={`Email ${i === 0 ? '' : `reply ${i} `}body`} sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" src={`/tasks/${t.id}/emails/${e.id}/body${images ? '?images=show' : ''}`} style="width:100%;min-height:320px;border:1px solid #b1b4b6"></iframe>
              <p class="govuk-body-s">
                {images ? <a class="govuk-link" href={`/tasks/${t.id}`}>Hide remote images</a> : <a class="govuk-link" href={`/tasks/${t.id}?images=show`}>Show remote images</a>}
              </p>
            </>
          ) : ''}
          <details class="govuk-details" open={e.bodyHtml === null}>
            <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Text version</span></summary>
            <div class="govuk-details__text"><pre class="app-email-text" style="white-space:pre-wrap" safe>{e.bodyText ?? ''}</pre></div>
          </details>
          {e.attachments.length ? (
            <>
              <h3 class="govuk-heading-s">Attachments</h3>
              <ul class="govuk-list">
                {e.attachments.map((a) => (
                  <li class={a.rejectedReason ? 'app-attachment--rejected' : 'app-attachment'}>
                    {a.blobSha256 ? <a class="govuk-link" href={`/tasks/${t.id}/attachments/${a.id}`} safe>{displaySafeName(a.name)}</a> : <strong safe>{displaySafeName(a.name)}</strong>}
                    {' '}<span class="govuk-body-s" safe>{`(${a.kind === 'reference' ? 'cloud link' : formatBytes(a.size)}${a.kind === 'inline' ? ', inline image' : ''})`}</span>
                    {a.rejectedReason ? <><br /><Tag text="Not saved" colour="red" /> <span class="govuk-body-s" safe>{displaySafeName(a.rejectedReason)}</span></> : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : ''}
        </section>
      ))}

      <h2 class="govuk-heading-m">History</h2>
      <div class="moj-timeline">
        {[...d.history].reverse().map((h) => (
          <div class="moj-timeline__item">
            <div class="moj-timeline__header">
              <h3 class="moj-timeline__title" safe>{h.action[0].toUpperCase() + h.action.slice(1)}</h3>
              <p class="moj-timeline__byline" safe>{`by ${h.actor}`}</p>
            </div>
            <p class="moj-timeline__date"><time datetime={h.at.toISOString()}>{when(h.at)}</time></p>
            {h.detail ? <div class="moj-timeline__description" safe>{h.detail}</div> : ''}
          </div>
        ))}
      </div>
    </Layout>
  );
}

const DONE: Record<string, string> = { status: 'Status changed', reassigned: 'Task reassigned', 'follow-up': 'Follow-up task created', reply: 'Reply queued in the outbox' };

export function registerTaskPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageUser() };
  const people = async () => {
    const [teams, users] = await Promise.all([listTeams(ctx), listUsers(ctx)]);
    return { teams: teams.map((t) => ({ id: t.id, code: t.code })), users: users.filter((u) => u.active).map((u) => ({ id: u.id, username: u.username, displayName: u.displayName })) };
  };

  app.get('/tasks', guard, async (request, reply) =>
    sendPage(reply, <SummaryPage page={pageInfo(ctx, request, 'Task Manager Summary', 'tasks')} rows={await taskSummary(ctx, request.principal!)} />),
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
    const p = await people();
    return sendPage(reply, <ListPage page={pageInfo(ctx, request, 'Task List', 'tasks')} query={query} {...page} {...p} {...extra} />);
  };
  app.get('/tasks/list', guard, (request, reply) => renderList(request, reply, { banner: str((request.query as Record<string, unknown>).done) ? 'Tasks updated' : undefined }));

  app.post('/tasks/bulk', guard, async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, unknown>;
    const ids = (Array.isArray(b.taskIds) ? b.taskIds : [b.taskIds]).map(num).filter((x): x is number => x !== undefined);
    const back = safeNextPath(b.back, '/tasks/list').startsWith('/tasks/list') ? safeNextPath(b.back) : '/tasks/list';
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

  const renderDetails = async (request: FastifyRequest, reply: FastifyReply, id: number, extra: { banner?: string; error?: string } = {}, status = 200) => {
    const d = await getTaskDetails(ctx, request.principal!, id);
    const [p, jobTypes] = await Promise.all([people(), listJobTypes(ctx)]);
    const images = str((request.query as Record<string, unknown>).images) === 'show';
    return sendPage(reply, <DetailsPage page={pageInfo(ctx, request, `Task ${id}`, 'tasks', Boolean(extra.error))} d={d} {...p} jobTypes={jobTypes} images={images} {...extra} />, status);
  };

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
