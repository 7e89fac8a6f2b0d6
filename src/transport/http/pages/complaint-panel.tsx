import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { recordComplaintStep } from '../../../app/complaints/record-step.ts';
import type { ComplaintBadge, ComplaintView } from '../../../app/complaints/view.ts';
import { DEADLINE_STATE_LABELS, STATE_LABELS, STEP_LABELS, type CaseStep, type DeadlineState } from '../../../domain/complaints/case.ts';
import { formatDay } from '../../../domain/complaints/working-days.ts';
import { AppError } from '../../../errors.ts';
import { requirePageUser } from '../auth.ts';
import { Tag, TextInput } from './components.tsx';
import { CsrfField, type PageInfo } from './layout.tsx';

// The complaint on the task page (issue 19): its stage, the deadline in force and why, every
// deadline it has had, and a form for each step that may come next. Included by pages/tasks.tsx.

const DUE_COLOUR: Record<DeadlineState, 'green' | 'yellow' | 'red'> = { on_time: 'green', due_soon: 'yellow', overdue: 'red' };

/** The deadline state as a GOV.UK tag: the words carry the meaning, the colour only repeats it. */
export function DueTag({ state }: { state: DeadlineState }): JSX.Element {
  return <Tag text={DEADLINE_STATE_LABELS[state]} colour={DUE_COLOUR[state]} />;
}

/** Task List cell: stage, next deadline, its state. */
export function ComplaintCell({ badge }: { badge?: ComplaintBadge }): JSX.Element {
  if (!badge) return <td class="govuk-table__cell"></td>;
  return (
    <td class="govuk-table__cell app-complaint-cell">
      <span safe>{badge.stage ? `Stage ${badge.stage}` : 'Closed'}</span>
      {badge.due ? <><br /><span safe>{`${badge.kind === 'acknowledge' ? 'Acknowledge' : 'Respond'} by ${formatDay(badge.due)}`}</span><br /><DueTag state={badge.dueState!} /></> : <><br /><span class="govuk-body-s" safe>{STATE_LABELS[badge.state]}</span></>}
    </td>
  );
}

export interface ComplaintAttempt {
  step: string;
  values: Record<string, string>;
  field: string;
  message: string;
}

const when = (d: Date, zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
const STATUS_TEXT = { open: 'Open', met: 'Met', missed: 'Missed', superseded: 'Replaced by an extension' } as const;
const STATUS_COLOUR = { open: 'blue', met: 'green', missed: 'red', superseded: 'grey' } as const;

function StepForm({ page, taskId, step, attempt, template }: { page: PageInfo; taskId: number; step: CaseStep; attempt?: ComplaintAttempt; template: string | null }): JSX.Element {
  const id = (f: string) => `complaint-${step}-${f}`;
  const mine = attempt?.step === step ? attempt : undefined;
  const err = (f: string) => (mine?.field === f ? mine.message : undefined);
  const val = (f: string) => mine?.values[f];
  const ack = step.endsWith('_acknowledged');
  const ext = step.endsWith('_extended');
  return (
    <form method="post" action={`/tasks/${taskId}/complaint`} class="app-complaint-step" novalidate>
      <CsrfField token={page.csrfToken} />
      <input type="hidden" name="step" value={step} />
      <h4 class="govuk-heading-s" safe>{STEP_LABELS[step]}</h4>
      {ext ? (
        <>
          <TextInput id={id('newDate')} name="newDate" label="New response date (YYYY-MM-DD)" width="10" value={val('newDate')} error={err('newDate')} />
          <TextInput id={id('reason')} name="reason" label="Reason given to the resident" value={val('reason')} error={err('reason')} />
          <TextInput id={id('goodReason')} name="goodReason" label="Good reason, to go past the policy's maximum extension (recorded)" value={val('goodReason')} error={err('goodReason')} />
        </>
      ) : step === 'closed' ? (
        <TextInput id={id('reason')} name="reason" label="Why it is closed (optional)" value={val('reason')} error={err('reason')} />
      ) : ''}
      <TextInput id={id('on')} name="on" label={step === 'escalated' ? 'Escalation requested on (YYYY-MM-DD; blank for today)' : 'Done on (YYYY-MM-DD; blank for today)'} width="10" value={val('on')} error={err('on')} />
      {ack && template ? (
        <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
          <input class="govuk-checkboxes__input" type="checkbox" id={id('send')} name="sendAcknowledgement" value="true" />
          <label class="govuk-label govuk-checkboxes__label" for={id('send')} safe>{`Send the acknowledgement email (template ${template}) to the resident`}</label>
        </div></div></div>
      ) : ''}
      <button type="submit" class={['govuk-button', step === 'closed' ? 'govuk-button--warning' : 'govuk-button--secondary']} data-module="govuk-button" safe>{`Record: ${STEP_LABELS[step].toLowerCase()}`}</button>
    </form>
  );
}

export function ComplaintPanel({ page, taskId, view, attempt }: { page: PageInfo; taskId: number; view: ComplaintView; attempt?: ComplaintAttempt }): JSX.Element {
  const c = view.case;
  return (
    <section class="app-complaint" aria-labelledby="complaint-heading" id="complaint">
      <h2 class="govuk-heading-m" id="complaint-heading">Complaint</h2>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Stage</dt><dd class="govuk-summary-list__value" id="complaint-state" safe>{STATE_LABELS[c.state]}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Received</dt><dd class="govuk-summary-list__value" safe>{`${formatDay(c.receivedOn)} at ${when(c.receivedAt, view.zone)} (${view.zone})`}</dd></div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Current deadline</dt>
          <dd class="govuk-summary-list__value" id="complaint-deadline">
            {view.current ? (
              <>
                <strong safe>{`${view.current.kind === 'acknowledge' ? 'Acknowledge' : 'Respond'} by ${formatDay(view.current.due)}`}</strong> <DueTag state={view.current.state} />
                <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" safe>{view.current.explanation}</p>
              </>
            ) : <span safe>{c.state === 'closed' ? 'None: the complaint is closed' : 'None: waiting for the resident (they may ask to escalate)'}</span>}
          </dd>
        </div>
        {view.departures.length ? <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Policy</dt><dd class="govuk-summary-list__value"><ul class="govuk-list">{view.departures.map((d) => <li safe>{d}</li>)}</ul></dd></div> : ''}
      </dl>
      <table class="govuk-table" id="complaint-deadlines">
        <caption class="govuk-table__caption govuk-table__caption--s">Deadlines</caption>
        <thead class="govuk-table__head"><tr class="govuk-table__row">{['Stage', 'Step', 'Due', 'Status', 'Why this date'].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}</tr></thead>
        <tbody class="govuk-table__body">
          {view.deadlines.map((d) => (
            <tr class="govuk-table__row">
              <td class="govuk-table__cell">{String(d.stage)}</td>
              <td class="govuk-table__cell" safe>{d.basis.rule.endsWith('extension') ? 'Respond (extended)' : d.kind === 'acknowledge' ? 'Acknowledge' : 'Respond'}</td>
              <td class="govuk-table__cell" safe>{formatDay(d.due)}</td>
              <td class="govuk-table__cell"><Tag text={d.metOn ? `${STATUS_TEXT[d.status]} (${formatDay(d.metOn)})` : STATUS_TEXT[d.status]} colour={STATUS_COLOUR[d.status]} /></td>
              <td class="govuk-table__cell govuk-body-s" safe>{d.explanation}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {view.nextSteps.length ? (
        <>
          <h3 class="govuk-heading-s">Record a step</h3>
          {view.nextSteps.map((s) => <StepForm page={page} taskId={taskId} step={s} attempt={attempt} template={c.policy.acknowledgementTemplate} />)}
        </>
      ) : ''}
    </section>
  );
}

export const COMPLAINT_DONE: Record<string, string> = Object.fromEntries(Object.entries(STEP_LABELS).map(([k, v]) => [`complaint-${k}`, `Recorded: ${v.toLowerCase()}`]));

export type RenderDetails = (request: FastifyRequest, reply: FastifyReply, id: number, extra: { error?: string; errorTarget?: string; complaintAttempt?: ComplaintAttempt }, status: number) => Promise<FastifyReply>;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function registerComplaintActions(app: FastifyInstance, ctx: AppContext, renderDetails: RenderDetails): void {
  app.post<{ Params: { id: string } }>('/tasks/:id/complaint', { preHandler: requirePageUser() }, async (request, reply) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : -1;
    const b = (request.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(['on', 'reason', 'newDate', 'goodReason'].map((k) => [k, str(b[k]).slice(0, 2000)]));
    const step = str(b.step);
    try {
      await recordComplaintStep(ctx, request.principal!, id, { step: step as CaseStep, ...values, sendAcknowledgement: str(b.sendAcknowledgement) === 'true' });
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
      const field = err.fields[0]?.field ?? 'step';
      const message = err.fields[0]?.message ?? err.message;
      return renderDetails(request, reply, id, { error: message, errorTarget: field === 'step' ? 'complaint' : `complaint-${step}-${field}`, complaintAttempt: { step, values, field, message } }, err.code === 'conflict' ? 409 : 422);
    }
    return reply.redirect(`/tasks/${id}?done=complaint-${step}#complaint`, 303);
  });
}
