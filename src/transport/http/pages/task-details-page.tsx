import type { TaskDetails } from '../../../app/tasks/task-details.ts';
import { TASK_STATUS_LABELS, TASK_TRANSITIONS } from '../../../domain/tasks/status.ts';
import { ErrorSummary, Select, SuccessBanner, Tag, TextInput } from './components.tsx';
import { CsrfField, Layout, type PageInfo } from './layout.tsx';
import { STATUS_COLOUR, whenIn } from './task-page-kit.tsx';
import { Timeline } from './task-timeline.tsx';
import { ComplaintPanel, type ComplaintAttempt } from './complaint-panel.tsx';
import type { ComplaintView } from '../../../app/complaints/view.ts';

// Task Details (guide §2.2.1): the task, its actions, every email on it (sanitised HTML in a
// sandboxed frame served by task-email.tsx, the text version, attachments) and its history.

export interface DetailsProps {
  page: PageInfo;
  d: TaskDetails;
  teams: Array<{ id: number; code: string }>;
  users: Array<{ id: number; displayName: string }>;
  jobTypes: Array<{ id: number; code: string; name: string }>;
  banner?: string;
  error?: string;
  images: boolean;
  complaint: ComplaintView | null;
  complaintAttempt?: ComplaintAttempt;
  errorTarget?: string;
}

export function DetailsPage({ page, d, teams, users, jobTypes, banner, error, images, complaint, complaintAttempt, errorTarget }: DetailsProps): JSX.Element {
  const t = d.task;
  return (
    <Layout page={page}>
      <a href="/tasks/list" class="govuk-back-link">Back to the Task List</a>
      <SuccessBanner heading={banner} />
      {error ? <ErrorSummary errors={{ action: error }} ids={errorTarget ? { action: errorTarget } : undefined} /> : ''}
      <span class="govuk-caption-l" safe>{`Task ${t.id} · ${t.workflowName ?? t.jobTypeName}`}</span>
      <h1 class="govuk-heading-l" safe>{t.title}</h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Status</dt><dd class="govuk-summary-list__value" id="task-status"><Tag text={TASK_STATUS_LABELS[t.status]} colour={STATUS_COLOUR[t.status]} /></dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Job type</dt><dd class="govuk-summary-list__value" safe>{`${t.jobTypeName} (${t.jobTypeCode})${t.restricted ? ' – restricted' : ''}`}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Team</dt><dd class="govuk-summary-list__value" safe>{t.teamCode ?? '—'}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Assigned to</dt><dd class="govuk-summary-list__value" safe>{t.assigneeName ?? '—'}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Created</dt><dd class="govuk-summary-list__value">{whenIn(t.createdAt, d.timeZone)}</dd></div>
        {t.parentTaskId ? <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Follow-up of</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href={`/tasks/${t.parentTaskId}`}>{`Task ${t.parentTaskId}`}</a></dd></div> : ''}
      </dl>
      {complaint ? <ComplaintPanel page={page} taskId={t.id} view={complaint} attempt={complaintAttempt} /> : ''}

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
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Reply to the resident</span></summary>
        <div class="govuk-details__text">
          <form method="post" action={`/tasks/${t.id}/reply`}>
            <CsrfField token={page.csrfToken} />
            <div class="govuk-form-group">
              <label class="govuk-label" for="reply-text">Your reply (sent from the inbox the resident wrote to, on their latest message, so it threads; the copy is in that mailbox's Sent Items)</label>
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

      <Timeline d={d} images={images} />

      <h2 class="govuk-heading-m">History</h2>
      <div class="moj-timeline">
        {[...d.history].reverse().map((h) => (
          <div class="moj-timeline__item">
            <div class="moj-timeline__header">
              <h3 class="moj-timeline__title" safe>{h.action[0].toUpperCase() + h.action.slice(1)}</h3>
              <p class="moj-timeline__byline" safe>{`by ${h.actor}`}</p>
            </div>
            <p class="moj-timeline__date"><time datetime={h.at.toISOString()}>{whenIn(h.at, d.timeZone)}</time></p>
            {h.detail ? <div class="moj-timeline__description" safe>{h.detail}</div> : ''}
          </div>
        ))}
      </div>
    </Layout>
  );
}
