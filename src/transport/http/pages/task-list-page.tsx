import type { Task } from '../../../app/tasks/tasks.ts';
import { TASK_STATUSES, TASK_STATUS_LABELS } from '../../../domain/tasks/status.ts';
import { ErrorSummary, Select, SuccessBanner, Tag, TextInput } from './components.tsx';
import { CsrfField, Layout, type PageInfo } from './layout.tsx';
import { STATUS_COLOUR, whenIn } from './task-page-kit.tsx';
import { TasksNav } from './tasks-nav.tsx';
import { ComplaintCell } from './complaint-panel.tsx';
import type { ComplaintBadge } from '../../../app/complaints/view.ts';

// Task List (guide §2.2.1): filters, keyset pages and the bulk reassign / complete form.

export interface ListProps {
  /** The organisation's IANA zone: times are shown in it. */
  timeZone: string;
  page: PageInfo;
  query: Record<string, string>;
  tasks: Task[];
  next: string | null;
  total: number;
  totalCapped: boolean;
  complaints: Map<number, ComplaintBadge>;
  teams: Array<{ id: number; code: string }>;
  users: Array<{ id: number; username: string; displayName: string }>;
  banner?: string;
  problems?: string[];
}

export function ListPage(p: ListProps): JSX.Element {
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
      {p.complaints.size ? <p class="govuk-body">Complaints by deadline, soonest first, with on time / due soon / overdue filters: <a class="govuk-link" href="/tasks/complaints">Task Manager › Complaints</a>.</p> : ''}
      <p class="govuk-body" id="task-count">{`${p.total}${p.totalCapped ? '+' : ''} task${p.total === 1 ? '' : 's'}`}</p>
      {p.tasks.length === 0 ? <p class="govuk-body" id="no-tasks">No tasks match.</p> : (
        <form method="post" action="/tasks/bulk">
          <CsrfField token={p.page.csrfToken} />
          <input type="hidden" name="back" value={`/tasks/list?${new URLSearchParams(q)}`} />
          <table class="govuk-table" id="task-table">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Select</span></th>
                {['Task', 'Status', ...(p.complaints.size ? ['Complaint'] : []), 'Category', 'Inbox', 'Team', 'Assigned to', 'Created'].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}
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
                  {p.complaints.size ? <ComplaintCell badge={p.complaints.get(t.id)} /> : ''}
                  <td class="govuk-table__cell" safe>{t.workflowName ?? t.jobTypeName}</td>
                  <td class="govuk-table__cell" safe>{t.inbox ?? ''}</td>
                  <td class="govuk-table__cell" safe>{t.teamCode ?? ''}</td>
                  <td class="govuk-table__cell" safe>{t.assigneeName ?? ''}</td>
                  <td class="govuk-table__cell"><time datetime={t.createdAt.toISOString()}>{whenIn(t.createdAt, p.timeZone)}</time></td>
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
