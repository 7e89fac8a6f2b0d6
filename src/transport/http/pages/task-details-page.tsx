import { displaySafeName } from '../../../domain/text/bidi.ts';
import type { TaskDetails } from '../../../app/tasks/task-details.ts';
import { TASK_STATUS_LABELS, TASK_TRANSITIONS } from '../../../domain/tasks/status.ts';
import { formatBytes } from '../../../domain/inbound/attachment-policy.ts';
import { ErrorSummary, Select, SuccessBanner, Tag, TextInput } from './components.tsx';
import { CsrfField, Layout, type PageInfo } from './layout.tsx';
import { STATUS_COLOUR, when } from './task-page-kit.tsx';
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
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Created</dt><dd class="govuk-summary-list__value">{when(t.createdAt)}</dd></div>
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
