import type { SummaryRow } from '../../../app/tasks/tasks.ts';
import { TASK_STATUSES, TASK_STATUS_LABELS, type TaskStatus } from '../../../domain/tasks/status.ts';
import { Layout, type PageInfo } from './layout.tsx';
import { TasksNav } from './tasks-nav.tsx';
import { ComplaintSummary } from './complaints.tsx';
import type { ComplaintCounts } from '../../../app/complaints/view.ts';

// Task Manager Summary (guide §2.2.1): counts per workflow category, for me and for my teams, each a
// link to the filtered Task List.

export function SummaryPage({ page, rows, complaints }: { page: PageInfo; rows: SummaryRow[]; complaints: ComplaintCounts }): JSX.Element {
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
      <ComplaintSummary counts={complaints} />
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
