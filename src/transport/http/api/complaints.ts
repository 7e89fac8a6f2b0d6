import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { complaintsPerformance, PerformanceInput } from '../../../app/complaints/performance.ts';
import { recordComplaintStep, StepInput } from '../../../app/complaints/record-step.ts';
import { getComplaintSettings, listComplaintPolicies, loadHolidayFile, removeComplaintPolicy, setComplaintPolicy, SettingsInput, updateComplaintSettings } from '../../../app/complaints/setup.ts';
import { ComplaintListInput, getComplaintForTask, listComplaints, type ComplaintView } from '../../../app/complaints/view.ts';
import { CASE_STATES, CASE_STEPS } from '../../../domain/complaints/case.ts';
import { ComplaintPolicyInput } from '../../../domain/complaints/policy.ts';
import { NATIONS } from '../../../domain/complaints/working-days.ts';
import { AppError } from '../../../errors.ts';
import type { ApiCatalogue } from './define.ts';

// /api/v1 complaints (issue 19): a task's complaint and its steps, the complaint list, the
// performance figures for a year, and (admins) policies, settings and bank-holiday files.

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const Day = z.string().describe('YYYY-MM-DD');
const DueState = z.enum(['on_time', 'due_soon', 'overdue']);

const Deadline = z.object({
  stage: z.number().int(), kind: z.enum(['acknowledge', 'respond']), due: Day, status: z.enum(['open', 'met', 'missed', 'superseded']), metOn: Day.nullable(),
  explanation: z.string(), basis: z.record(z.string(), z.unknown()).describe('rule, clause, days, from, nation, holidaySource, holidaysSkipped …: what the date was computed from'),
}).meta({ id: 'ComplaintDeadline' });

const Complaint = z.object({
  taskId: z.number().int(),
  state: z.enum(CASE_STATES),
  stage: z.number().int().nullable(),
  receivedAt: z.iso.datetime(),
  receivedOn: Day,
  current: z.object({ due: Day, kind: z.enum(['acknowledge', 'respond']), state: DueState, explanation: z.string() }).nullable().describe('The deadline in force'),
  deadlines: z.array(Deadline),
  steps: z.array(z.object({ step: z.enum(CASE_STEPS), on: Day, at: z.iso.datetime(), actor: z.string(), reason: z.string().nullable(), goodReason: z.string().nullable(), newDue: Day.nullable(), outboxId: z.string().nullable() })),
  nextSteps: z.array(z.enum(CASE_STEPS)),
  policy: z.record(z.string(), z.unknown()),
}).meta({ id: 'Complaint' });

const toApi = (v: ComplaintView): z.input<typeof Complaint> => ({
  taskId: v.case.taskId,
  state: v.case.state,
  stage: v.stage,
  receivedAt: v.case.receivedAt.toISOString(),
  receivedOn: v.case.receivedOn,
  current: v.current,
  deadlines: v.deadlines.map((d) => ({ stage: d.stage, kind: d.kind, due: d.due, status: d.status, metOn: d.metOn, explanation: d.explanation, basis: d.basis as unknown as Record<string, unknown> })),
  steps: v.case.steps.map((s) => ({ step: s.step, on: s.on, at: s.at.toISOString(), actor: s.actor, reason: s.reason, goodReason: s.goodReason, newDue: s.newDue, outboxId: s.outboxId })),
  nextSteps: v.nextSteps,
  policy: v.case.policy as unknown as Record<string, unknown>,
});

const StageFigures = z.object({
  received: z.number().int(), acknowledgementsDecided: z.number().int(), acknowledgedInTime: z.number().int(), acknowledgedInTimePct: z.number().nullable(),
  responsesDecided: z.number().int(), respondedInCodeTime: z.number().int(), respondedInCodeTimePct: z.number().nullable(),
  respondedInExtendedTime: z.number().int(), respondedInExtendedTimePct: z.number().nullable(), extensionsGranted: z.number().int(), casesExtended: z.number().int(),
}).meta({ id: 'ComplaintStageFigures' });

const Policy = z.object({
  jobTypeId: z.number().int(), jobTypeCode: z.string(),
  stage1: z.object({ acknowledgeDays: z.number().int(), respondDays: z.number().int(), maxExtensionDays: z.number().int() }),
  stage2: z.object({ acknowledgeDays: z.number().int(), respondDays: z.number().int(), maxExtensionDays: z.number().int() }),
  acknowledgementTemplate: z.string().nullable(),
}).meta({ id: 'ComplaintPolicy' });

const Settings = z.object({ nation: z.enum(NATIONS), reminderEnabled: z.boolean(), reminderDays: z.number().int(), reminderTo: z.string().nullable() }).meta({ id: 'ComplaintSettings' });

export function registerComplaintApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET', path: '/tasks/{id}/complaint', operationId: 'getTaskComplaint', tag: 'Complaints', role: 'officer',
    summary: 'The complaint of a task: stage, the deadline in force, every deadline with its basis, the steps so far and those that may come next',
    params: z.object({ id: Id }), status: 200, response: Complaint, problems: { 404: 'No such task, or it is not a complaint' },
    handler: async ({ params, principal }) => {
      const v = await getComplaintForTask(ctx, principal, params.id);
      if (!v) throw new AppError('not_found', `Task ${params.id} is not a complaint`);
      return toApi(v);
    },
  });
  api.add(app, {
    method: 'POST', path: '/tasks/{id}/complaint/steps', operationId: 'recordComplaintStep', tag: 'Complaints', role: 'officer',
    summary: 'Record a step (acknowledged, extended, response sent, escalated, closed); an extension past the maximum needs goodReason',
    params: z.object({ id: Id }),
    body: z.object({
      step: z.enum(CASE_STEPS), on: Day.optional(), reason: z.string().max(2000).optional(), newDate: Day.optional(), goodReason: z.string().max(2000).optional(),
      sendAcknowledgement: z.boolean().optional(), template: z.string().max(40).optional(),
    }).strict().meta({ id: 'ComplaintStep' }),
    status: 200, response: Complaint, problems: { 409: 'The step cannot come now', 422: 'A field is wrong (the extension past the maximum names goodReason)' },
    handler: async ({ params, body, principal }) => {
      await recordComplaintStep(ctx, principal, params.id, body as z.input<typeof StepInput>);
      return toApi((await getComplaintForTask(ctx, principal, params.id))!);
    },
  });
  api.add(app, {
    method: 'GET', path: '/complaints', operationId: 'listComplaints', tag: 'Complaints', role: 'officer',
    summary: 'Complaints you may see, soonest deadline first; filter by stage and deadline state',
    query: ComplaintListInput, status: 200,
    response: z.object({ today: Day, more: z.boolean(), complaints: z.array(z.object({ taskId: z.number().int(), title: z.string(), state: z.enum(CASE_STATES), stage: z.number().int().nullable(), due: Day.nullable(), kind: z.string().nullable(), dueState: DueState.nullable(), team: z.string().nullable(), assignee: z.string().nullable(), receivedAt: z.iso.datetime() })) }),
    handler: async ({ query, principal }) => {
      const r = await listComplaints(ctx, principal, query);
      return { today: r.today, more: r.more, complaints: r.items.map((i) => ({ taskId: i.taskId, title: i.title, state: i.state, stage: i.stage, due: i.currentDue, kind: i.currentKind, dueState: i.dueState, team: i.teamCode, assignee: i.assigneeName, receivedAt: i.receivedAt.toISOString() })) };
    },
  });
  api.add(app, {
    method: 'GET', path: '/complaints/performance', operationId: 'complaintsPerformance', tag: 'Complaints', role: 'officer',
    summary: 'The self-assessment figures for a year (financial: 1 April to 31 March, or calendar) over the complaints you may see',
    query: PerformanceInput, status: 200,
    response: z.object({ period: z.object({ from: Day, to: Day, label: z.string() }), today: Day, stage1: StageFigures, stage2: StageFigures, escalations: z.number().int(), openOverdueNow: z.number().int() }),
    handler: async ({ query, principal }) => complaintsPerformance(ctx, principal, query),
  });

  api.add(app, {
    method: 'GET', path: '/complaint-policies', operationId: 'listComplaintPolicies', tag: 'Complaints', role: 'admin',
    summary: 'Complaint job types and their policies', status: 200, response: z.object({ policies: z.array(Policy) }),
    handler: async () => ({ policies: (await listComplaintPolicies(ctx)).map((p) => ({ jobTypeId: p.jobTypeId, jobTypeCode: p.jobTypeCode, ...p.policy })) }),
  });
  api.add(app, {
    method: 'PUT', path: '/complaint-policies/{jobTypeId}', operationId: 'setComplaintPolicy', tag: 'Complaints', role: 'admin',
    summary: "Make a job type a complaint job type, or change its policy (omitted numbers take the Code's defaults)",
    params: z.object({ jobTypeId: Id }), body: ComplaintPolicyInput, status: 200, response: Policy,
    handler: async ({ params, body, principal, request }) => {
      const p = await setComplaintPolicy(ctx, { username: principal.username, ip: request.ip }, params.jobTypeId, body);
      return { jobTypeId: p.jobTypeId, jobTypeCode: p.jobTypeCode, ...p.policy };
    },
  });
  api.add(app, {
    method: 'DELETE', path: '/complaint-policies/{jobTypeId}', operationId: 'removeComplaintPolicy', tag: 'Complaints', role: 'admin',
    summary: "New tasks of the job type are no longer complaints (existing cases keep their clock)", params: z.object({ jobTypeId: Id }), status: 204, response: null,
    handler: async ({ params, principal, request }) => { await removeComplaintPolicy(ctx, { username: principal.username, ip: request.ip }, params.jobTypeId); },
  });
  api.add(app, {
    method: 'GET', path: '/complaint-settings', operationId: 'getComplaintSettings', tag: 'Complaints', role: 'admin',
    summary: 'The nation whose bank holidays count, and the daily reminder', status: 200, response: Settings,
    handler: async () => { const s = await getComplaintSettings(ctx); return { nation: s.nation, reminderEnabled: s.reminderEnabled, reminderDays: s.reminderDays, reminderTo: s.reminderTo }; },
  });
  api.add(app, {
    method: 'PUT', path: '/complaint-settings', operationId: 'setComplaintSettings', tag: 'Complaints', role: 'admin',
    summary: 'Change the nation (deadlines computed from now on) and the daily reminder', body: SettingsInput, status: 200, response: Settings,
    handler: async ({ body, principal, request }) => { const s = await updateComplaintSettings(ctx, { username: principal.username, ip: request.ip }, { ...body, reminderTo: body.reminderTo ?? undefined }); return { nation: s.nation, reminderEnabled: s.reminderEnabled, reminderDays: s.reminderDays, reminderTo: s.reminderTo }; },
  });
  api.add(app, {
    method: 'POST', path: '/complaint-holidays', operationId: 'loadBankHolidays', tag: 'Complaints', role: 'admin',
    summary: "Load a bank-holiday file in gov.uk's bank-holidays.json format (the JSON text in `text`)",
    body: z.object({ text: z.string().max(2_000_000), fileName: z.string().max(255).optional() }).strict().meta({ id: 'BankHolidayFile' }),
    bodyLimit: 3_000_000, status: 201,
    response: z.object({ loaded: z.array(z.object({ id: z.number().int(), nation: z.enum(NATIONS), dates: z.number().int(), years: z.array(z.number().int()) })) }),
    handler: async ({ body, principal, request }) => ({ loaded: await loadHolidayFile(ctx, { username: principal.username, ip: request.ip }, body.text, body.fileName ?? null) }),
  });
}
