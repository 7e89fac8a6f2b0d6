import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { insertDeadline, insertStep, meetDeadlines, selectCaseOfTask, supersedeOpenDeadline, updateCaseRow, type ComplaintCase } from '../../adapters/db/complaint-cases.ts';
import { insertHistory, updateTaskRow } from '../../adapters/db/tasks.ts';
import { CASE_STEPS, CASE_TRANSITIONS, STEP_LABELS, checkExtension, codeDeadline, explainDeadline, stepProblem, type CaseStep, type Deadline } from '../../domain/complaints/case.ts';
import { formatDay, isIsoDate } from '../../domain/complaints/working-days.ts';
import { recordAudit } from '../audit.ts';
import { kickOutbox } from '../email/enqueue.ts';
import { queueTaskReply } from '../tasks/reply-to-task.ts';
import { getTask } from '../tasks/tasks.ts';
import { parseOrThrow } from '../validation.ts';
import { complaintClock } from './clock.ts';
import type { AppContext, Principal } from '../context.ts';

// The officer records a complaint step from the task page (or the API). One transaction: the step,
// the deadlines it meets or sets, the case's state, the task history, the audit trail — and, when
// asked, the acknowledgement email in the outbox.

const Day = z.string().trim().refine(isIsoDate, 'enter a real date as YYYY-MM-DD');
const Text = (max: number) => z.string().trim().max(max).optional().transform((v) => v || undefined);

export const StepInput = z
  .object({
    step: z.enum(CASE_STEPS, { error: `choose one of: ${CASE_STEPS.join(', ')}` }),
    on: Day.optional().or(z.literal('').transform(() => undefined)),
    reason: Text(2000),
    newDate: Day.optional().or(z.literal('').transform(() => undefined)),
    goodReason: Text(2000),
    sendAcknowledgement: z.boolean().default(false),
    template: z.string().trim().toUpperCase().regex(/^([A-Z0-9_]{1,40})?$/, 'a template code').optional().transform((v) => v || undefined),
  })
  .superRefine((v, c) => {
    if (v.step.endsWith('_extended')) {
      if (!v.newDate) c.addIssue({ code: 'custom', path: ['newDate'], message: 'enter the new response date (YYYY-MM-DD)' });
      if (!v.reason) c.addIssue({ code: 'custom', path: ['reason'], message: 'give the reason for the extension: the resident must be told it (Code 6.4)' });
    }
  });
export type StepInput = z.input<typeof StepInput>;

export interface StepResult {
  step: CaseStep;
  state: ComplaintCase['state'];
  currentDue: string | null;
  outboxId: string | null;
}

const stageOfStep = (s: CaseStep): 1 | 2 | null => (s.startsWith('stage1') ? 1 : s.startsWith('stage2') || s === 'escalated' ? 2 : null);

export async function recordComplaintStep(ctx: AppContext, principal: Principal, taskId: number, input: StepInput): Promise<StepResult> {
  const v = parseOrThrow(StepInput, input);
  const task = await getTask(ctx, principal, taskId);
  const result = await ctx.db.transaction().execute(async (trx): Promise<StepResult> => {
    const c = await selectCaseOfTask(trx, task.id, { lock: true });
    if (!c) throw new AppError('not_found', `Task ${task.id} is not a complaint`);
    const problem = stepProblem(c.state, v.step);
    if (problem) throw new AppError('conflict', problem, [{ field: 'step', message: problem }]);
    const at = ctx.now();
    const clock = await complaintClock(trx, at);
    const on = v.on ?? clock.today;
    const last = c.steps.length ? c.steps[c.steps.length - 1].on : c.receivedOn;
    if (on > clock.today) throw AppError.validation('on', `${formatDay(on)} is in the future: record a step on the day it was done`);
    if (on < last) throw AppError.validation('on', `${formatDay(on)} is before the complaint's last step or receipt (${formatDay(last)})`);

    const stage = stageOfStep(v.step);
    let next: Deadline | null = null;
    let extensionDays: number | null = null;
    switch (v.step) {
      case 'stage1_acknowledged':
      case 'stage2_acknowledged': {
        const s = v.step === 'stage1_acknowledged' ? 1 : 2;
        await meetDeadlines(trx, c.id, s, 'acknowledge', on);
        next = codeDeadline(clock.calendar, c.policy, s, 'respond', on);
        break;
      }
      case 'stage1_extended':
      case 'stage2_extended': {
        const s = v.step === 'stage1_extended' ? 1 : 2;
        const original = c.deadlines.find((d) => d.stage === s && d.kind === 'respond');
        if (!original || !c.currentDue) throw new AppError('conflict', 'There is no response date to extend', [{ field: 'step', message: 'no response date to extend' }]);
        const check = checkExtension(clock.calendar, c.policy, s, original.due, c.currentDue, v.newDate!, v.reason!, v.goodReason ?? null);
        if (!check.ok) throw AppError.validation(check.field, check.problem);
        await supersedeOpenDeadline(trx, c.id, s, 'respond', at);
        next = check.deadline;
        extensionDays = check.days;
        break;
      }
      case 'stage1_response_sent':
      case 'stage2_response_sent':
        await meetDeadlines(trx, c.id, v.step === 'stage1_response_sent' ? 1 : 2, 'respond', on);
        break;
      case 'escalated':
        next = codeDeadline(clock.calendar, c.policy, 2, 'acknowledge', on);
        break;
      case 'closed':
        break;
    }
    if (next) await insertDeadline(trx, c.id, next, at);
    const to = CASE_TRANSITIONS[c.state][v.step]!;

    let outboxId: string | null = null;
    if (v.sendAcknowledgement && (v.step === 'stage1_acknowledged' || v.step === 'stage2_acknowledged')) {
      const template = v.template ?? c.policy.acknowledgementTemplate ?? 'COMPLAINT_ACK';
      const received = v.step === 'stage1_acknowledged' ? c.receivedOn : (c.steps.find((s) => s.step === 'escalated')?.on ?? on);
      const r = await queueTaskReply(ctx, trx, principal, task, { template }, { complaint: { stage: String(stage), received: formatDay(received), respond_by: formatDay(next!.due) } });
      outboxId = r.outboxId;
    }

    await insertStep(trx, c.id, { step: v.step, stage, on, at, actor: principal.username, fromState: c.state, toState: to, reason: v.reason ?? null, goodReason: extensionDays !== null && next?.basis.goodReason ? next.basis.goodReason : null, newDue: next?.due ?? null, outboxId });
    const currentDue = next ? next.due : null;
    await updateCaseRow(trx, c.id, { state: to, currentDue, currentKind: next?.kind ?? null, at });

    const detail = [
      v.on && v.on !== clock.today ? `done on ${formatDay(on)}` : null,
      v.reason ? `reason: ${v.reason}` : null,
      next ? explainDeadline(next) : null,
      outboxId ? `acknowledgement email queued (outbox ${outboxId})` : null,
    ].filter(Boolean).join('. ');
    await insertHistory(trx, { taskId: task.id, actor: principal.username, action: STEP_LABELS[v.step].toLowerCase(), detail: detail || null, at });
    if (v.step === 'closed' && task.status !== 'complete') {
      await updateTaskRow(trx, task.id, { status: 'complete', at });
      await insertHistory(trx, { taskId: task.id, actor: principal.username, action: 'set to complete', fromStatus: task.status, toStatus: 'complete', detail: 'the complaint was closed', at });
    } else await updateTaskRow(trx, task.id, { at });
    await recordAudit(trx, principal, {
      action: `complaint.${v.step}`,
      entityType: 'task',
      entityId: task.id,
      summary: `Task ${task.id}: ${STEP_LABELS[v.step].toLowerCase()}${next ? `; ${next.kind === 'acknowledge' ? 'acknowledge' : 'respond'} by ${next.due}` : ''}`,
      before: { state: c.state, due: c.currentDue },
      after: { state: to, due: currentDue, on, reason: v.reason ?? null, goodReason: next?.basis.goodReason ?? null, extensionDays },
    });
    return { step: v.step, state: to, currentDue, outboxId };
  });
  if (result.outboxId) kickOutbox(ctx);
  ctx.logger.info({ taskId, step: v.step, by: principal.username }, 'complaint step recorded');
  return result;
}
