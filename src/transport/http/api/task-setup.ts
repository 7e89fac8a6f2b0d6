import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import {
  createJobGroup, createJobType, generateWorkflow, listEventTypes, listJobGroups, listJobTypes, listWorkflows, saveEventType, updateJobGroup, updateJobType, uploadWorkflow,
} from '../../../app/tasks/setup.ts';
import { createEventQuery, getEventQuery, listEventQueries, runEventQuery, updateEventQuery, type EventQuery as EventQueryView } from '../../../app/tasks/event-queries.ts';
import type { ApiCatalogue } from './define.ts';
import { iso } from './schemas.ts';

// Task Manager set-up (guide §2.2.4–2.2.5), admin only.

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const IdParam = z.object({ id: Id });
const tag = 'Task Manager set-up';

const JobGroup = z.object({ id: z.number().int(), code: z.string(), name: z.string(), restricted: z.boolean(), teamIds: z.array(z.number().int()) }).meta({ id: 'JobGroup' });
const JobType = z
  .object({
    id: z.number().int(), code: z.string(), name: z.string(), jobGroupId: z.number().int().nullable(), jobGroupCode: z.string().nullable(), workflowCode: z.string().nullable(),
    defaultTeamId: z.number().int().nullable(), defaultTeamCode: z.string().nullable(), defaultUserId: z.number().int().nullable(), defaultUsername: z.string().nullable(),
  })
  .meta({ id: 'JobType' });
const EventType = z.object({ code: z.string(), description: z.string(), jobTypeId: z.number().int().nullable(), jobTypeCode: z.string().nullable() }).meta({ id: 'EventType' });
const Workflow = z.object({ code: z.string(), name: z.string(), pendingName: z.string(), completeName: z.string(), uploadedAt: z.iso.datetime(), uploadedBy: z.string() }).meta({ id: 'Workflow' });
const EventQuery = z
  .object({
    id: z.number().int(), name: z.string(), sqlText: z.string(), fetCode: z.string(), enabled: z.boolean(), everyMinutes: z.number().int(),
    lastRunAt: z.iso.datetime().nullable(), lastOk: z.boolean().nullable(), lastError: z.string().nullable(), lastRows: z.number().int().nullable(), lastEvents: z.number().int().nullable(),
  })
  .meta({ id: 'EventQuery' });
const EventQueryBody = z
  .object({ name: z.string().max(100), sqlText: z.string().max(20_000), fetCode: z.string().max(30).optional(), enabled: z.boolean().optional(), everyMinutes: z.number().int().optional() })
  .strict()
  .meta({ id: 'EventQueryInput' });

const toQuery = (q: EventQueryView): z.infer<typeof EventQuery> => ({
  id: q.id, name: q.name, sqlText: q.sqlText, fetCode: q.fetCode, enabled: q.enabled, everyMinutes: q.everyMinutes,
  lastRunAt: iso(q.lastRunAt), lastOk: q.lastOk, lastError: q.lastError, lastRows: q.lastRows, lastEvents: q.lastEvents,
});
const toWorkflow = (w: Awaited<ReturnType<typeof listWorkflows>>[number]) => ({ ...w, uploadedAt: iso(w.uploadedAt)! });

export function registerTaskSetupApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, { method: 'GET', path: '/task-manager/job-groups', operationId: 'listJobGroups', summary: 'List job groups', tag, role: 'admin', status: 200, response: z.array(JobGroup), handler: () => listJobGroups(ctx) });
  api.add(app, {
    method: 'POST', path: '/task-manager/job-groups', operationId: 'createJobGroup', summary: 'Create a job group (restricted: only its teams see its tasks)', tag, role: 'admin',
    body: z.object({ code: z.string().max(30), name: z.string().max(200), restricted: z.boolean().optional(), teamIds: z.array(Id).max(100).optional() }).strict().meta({ id: 'NewJobGroup' }),
    status: 201, response: JobGroup,
    handler: ({ body, principal }) => createJobGroup(ctx, principal, body),
  });
  api.add(app, {
    method: 'PATCH', path: '/task-manager/job-groups/{id}', operationId: 'updateJobGroup', summary: 'Change a job group', tag, role: 'admin', params: IdParam,
    body: z.object({ name: z.string().max(200).optional(), restricted: z.boolean().optional(), teamIds: z.array(Id).max(100).optional() }).strict().meta({ id: 'JobGroupPatch' }),
    status: 200, response: JobGroup,
    handler: ({ params, body, principal }) => updateJobGroup(ctx, principal, params.id, body),
  });

  const JobTypeBody = z.object({
    code: z.string().max(30), name: z.string().max(200), jobGroupId: Id.nullable().optional(), workflowCode: z.string().max(8).nullable().optional(),
    defaultTeamId: Id.nullable().optional(), defaultUserId: Id.nullable().optional(),
  });
  api.add(app, { method: 'GET', path: '/task-manager/job-types', operationId: 'listJobTypes', summary: 'List job types', tag, role: 'admin', status: 200, response: z.array(JobType), handler: () => listJobTypes(ctx) });
  api.add(app, {
    method: 'POST', path: '/task-manager/job-types', operationId: 'createJobType', summary: 'Create a job type with its default assignee (a team or a person)', tag, role: 'admin',
    body: JobTypeBody.strict().meta({ id: 'NewJobType' }), status: 201, response: JobType,
    handler: ({ body, principal }) => createJobType(ctx, principal, body),
  });
  api.add(app, {
    method: 'PUT', path: '/task-manager/job-types/{id}', operationId: 'updateJobType', summary: 'Replace a job type (its code stays)', tag, role: 'admin', params: IdParam,
    body: JobTypeBody.omit({ code: true }).strict().meta({ id: 'JobTypeUpdate' }), status: 200, response: JobType,
    handler: ({ params, body, principal }) => updateJobType(ctx, principal, params.id, body),
  });

  api.add(app, { method: 'GET', path: '/task-manager/event-types', operationId: 'listEventTypes', summary: 'List event types', tag, role: 'admin', status: 200, response: z.array(EventType), handler: () => listEventTypes(ctx) });
  api.add(app, {
    method: 'PUT', path: '/task-manager/event-types/{code}', operationId: 'saveEventType', summary: 'Create or update an event type (EML_<INBOX> for an inbox)', tag, role: 'admin',
    params: z.object({ code: z.string().max(30) }),
    body: z.object({ description: z.string().max(255), jobTypeId: Id.nullable().optional() }).strict().meta({ id: 'EventTypeInput' }),
    status: 200, response: EventType,
    handler: ({ params, body, principal }) => saveEventType(ctx, principal, { code: params.code, ...body }),
  });

  api.add(app, { method: 'GET', path: '/task-manager/event-queries', operationId: 'listEventQueries', summary: 'List event queries with their last run', tag, role: 'admin', status: 200, response: z.array(EventQuery), handler: async () => (await listEventQueries(ctx)).map(toQuery) });
  api.add(app, {
    method: 'GET', path: '/task-manager/event-queries/{id}', operationId: 'getEventQuery', summary: 'One event query with its last run', tag, role: 'admin', params: IdParam,
    status: 200, response: EventQuery, handler: async ({ params }) => toQuery(await getEventQuery(ctx, params.id)),
  });
  api.add(app, {
    method: 'POST', path: '/task-manager/event-queries', operationId: 'createEventQuery', summary: 'Create an event query (tried first; refused if PostgreSQL cannot run it)', tag, role: 'admin',
    body: EventQueryBody, status: 201, response: EventQuery, handler: async ({ body, principal }) => toQuery(await createEventQuery(ctx, principal, body)),
  });
  api.add(app, {
    method: 'PUT', path: '/task-manager/event-queries/{id}', operationId: 'updateEventQuery', summary: 'Replace an event query', tag, role: 'admin', params: IdParam,
    body: EventQueryBody, status: 200, response: EventQuery, handler: async ({ params, body, principal }) => toQuery(await updateEventQuery(ctx, principal, params.id, body)),
  });
  api.add(app, {
    method: 'POST', path: '/task-manager/event-queries/{id}/run', operationId: 'runEventQuery', summary: 'Run an event query now (all or nothing)', tag, role: 'admin', params: IdParam,
    status: 200,
    response: z.object({ ok: z.boolean(), skipped: z.enum(['busy']).optional(), rows: z.number().int(), events: z.number().int(), tasks: z.number().int(), error: z.string().optional(), ms: z.number() }),
    handler: ({ params, principal }) => runEventQuery(ctx, params.id, principal),
  });

  api.add(app, { method: 'GET', path: '/task-manager/workflows', operationId: 'listWorkflows', summary: 'Workflow categories (from uploaded .wft files)', tag, role: 'admin', status: 200, response: z.array(Workflow), handler: async () => (await listWorkflows(ctx)).map(toWorkflow) });
  api.add(app, {
    method: 'POST', path: '/task-manager/workflows/generate', operationId: 'generateWorkflow', summary: 'A .wft file from the shipped template (guide §2.2.5 find-and-replace); not registered until uploaded', tag, role: 'admin',
    body: z.object({ code: z.string().max(20), name: z.string().max(200) }).strict().meta({ id: 'WorkflowGenerate' }),
    status: 200, response: z.object({ fileName: z.string(), text: z.string() }),
    handler: async ({ body }) => {
      const g = await generateWorkflow(body.code, body.name);
      return { fileName: g.fileName, text: g.text };
    },
  });
  api.add(app, {
    method: 'POST', path: '/task-manager/workflows', operationId: 'uploadWorkflow', summary: 'Upload a .wft file: registers (or replaces) its workflow category', tag, role: 'admin',
    body: z.object({ text: z.string().max(64 * 1024) }).strict().meta({ id: 'WorkflowUpload' }),
    status: 200, response: z.object({ workflow: Workflow, how: z.enum(['created', 'replaced']) }),
    handler: async ({ body, principal }) => {
      const r = await uploadWorkflow(ctx, principal, body.text);
      return { workflow: toWorkflow(r.workflow), how: r.how };
    },
  });
}
