import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import {
  insertJobGroup, insertJobType, selectEventTypes, selectJobGroups, selectJobTypes, selectWorkflowFile, selectWorkflows,
  updateJobGroupRow, updateJobTypeRow, upsertEventType, upsertWorkflow,
  activeUserExists, jobGroupExists, jobTypeExists, selectExistingTeamIds, workflowExists,
  type EventType, type JobGroup, type JobType, type Workflow,
} from '../../adapters/db/task-setup.ts';
import { WorkflowFileError, generateWorkflowFile, parseWorkflowFile, type WorkflowDefinition } from '../../domain/tasks/workflow-file.ts';
import { parseOrThrow } from '../validation.ts';
import type { Actor, AppContext } from '../context.ts';

export type { EventType, JobGroup, JobType, Workflow };

// Task Manager set-up (guide §2.2.4): job groups, job types, event types, and workflow categories
// (§2.2.5). Event queries have their own module.

const Code = z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,30}$/, 'use 1 to 30 capital letters, digits or underscores');
const Name = z.string().trim().min(1, 'enter a name').max(200);
const Id = z.coerce.number().int().positive().max(2_147_483_647);

export const JobGroupInput = z.object({ code: Code, name: Name, restricted: z.boolean().default(false), teamIds: z.array(Id).max(100).default([]) });
export type JobGroupInput = z.input<typeof JobGroupInput>;

export const JobTypeInput = z
  .object({
    code: Code,
    name: Name,
    jobGroupId: Id.nullable().default(null),
    workflowCode: z.string().trim().toUpperCase().max(8).nullable().default(null).transform((v) => v || null),
    defaultTeamId: Id.nullable().default(null),
    defaultUserId: Id.nullable().default(null),
  })
  .refine((v) => (v.defaultTeamId === null) !== (v.defaultUserId === null), { message: 'choose a default assignee: one team or one person', path: ['defaultTeamId'] });
export type JobTypeInput = z.input<typeof JobTypeInput>;

export const EventTypeInput = z.object({
  code: Code,
  description: z.string().trim().min(1, 'enter a description').max(255),
  jobTypeId: Id.nullable().default(null),
});
export type EventTypeInput = z.input<typeof EventTypeInput>;

export const listJobGroups = (ctx: AppContext) => selectJobGroups(ctx.db);
export const listJobTypes = (ctx: AppContext) => selectJobTypes(ctx.db);
export const listEventTypes = (ctx: AppContext) => selectEventTypes(ctx.db);
export const listWorkflows = (ctx: AppContext) => selectWorkflows(ctx.db);

async function checkTeams(ctx: AppContext, ids: number[], field: string): Promise<void> {
  if (!ids.length) return;
  const found = await selectExistingTeamIds(ctx.db, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw AppError.validation(field, `There is no team with id ${missing.join(', ')}`);
}

export async function createJobGroup(ctx: AppContext, actor: Actor, input: JobGroupInput): Promise<JobGroup> {
  const v = parseOrThrow(JobGroupInput, input);
  await checkTeams(ctx, v.teamIds, 'teamIds');
  if (v.restricted && v.teamIds.length === 0) throw AppError.validation('teamIds', 'A restricted job group needs at least one team: only its teams see its tasks');
  const id = await insertJobGroup(ctx.db, v);
  if (id === undefined) throw new AppError('conflict', `A job group ${v.code} already exists`, [{ field: 'code', message: `${v.code} is taken` }]);
  ctx.logger.info({ jobGroup: v.code, restricted: v.restricted, by: actor.username }, 'job group created');
  return (await selectJobGroups(ctx.db)).find((g) => g.id === id)!;
}

export async function updateJobGroup(ctx: AppContext, actor: Actor, id: number, patch: { name?: string; restricted?: boolean; teamIds?: number[] }): Promise<JobGroup> {
  const v = parseOrThrow(JobGroupInput.pick({ name: true, restricted: true, teamIds: true }).partial(), patch);
  const current = (await selectJobGroups(ctx.db)).find((g) => g.id === id);
  if (!current) throw new AppError('not_found', `There is no job group with id ${id}`);
  if (v.teamIds) await checkTeams(ctx, v.teamIds, 'teamIds');
  const restricted = v.restricted ?? current.restricted;
  const teams = v.teamIds ?? current.teamIds;
  if (restricted && teams.length === 0) throw AppError.validation('teamIds', 'A restricted job group needs at least one team: only its teams see its tasks');
  await updateJobGroupRow(ctx.db, id, v);
  ctx.logger.info({ jobGroup: current.code, by: actor.username }, 'job group updated');
  return (await selectJobGroups(ctx.db)).find((g) => g.id === id)!;
}

async function checkJobTypeRefs(ctx: AppContext, v: z.output<typeof JobTypeInput>): Promise<void> {
  if (v.jobGroupId !== null && !(await jobGroupExists(ctx.db, v.jobGroupId))) {
    throw AppError.validation('jobGroupId', `There is no job group with id ${v.jobGroupId}`);
  }
  if (v.workflowCode !== null && !(await workflowExists(ctx.db, v.workflowCode))) {
    throw AppError.validation('workflowCode', `There is no workflow ${v.workflowCode}: upload its workflow file first`);
  }
  if (v.defaultTeamId !== null) await checkTeams(ctx, [v.defaultTeamId], 'defaultTeamId');
  if (v.defaultUserId !== null && !(await activeUserExists(ctx.db, v.defaultUserId))) {
    throw AppError.validation('defaultUserId', `There is no active user with id ${v.defaultUserId}`);
  }
}

export async function createJobType(ctx: AppContext, actor: Actor, input: JobTypeInput): Promise<JobType> {
  const v = parseOrThrow(JobTypeInput, input);
  await checkJobTypeRefs(ctx, v);
  const id = await insertJobType(ctx.db, v);
  if (id === undefined) throw new AppError('conflict', `A job type ${v.code} already exists`, [{ field: 'code', message: `${v.code} is taken` }]);
  ctx.logger.info({ jobType: v.code, by: actor.username }, 'job type created');
  return (await selectJobTypes(ctx.db)).find((t) => t.id === id)!;
}

export async function updateJobType(ctx: AppContext, actor: Actor, id: number, input: Omit<JobTypeInput, 'code'>): Promise<JobType> {
  const current = (await selectJobTypes(ctx.db)).find((t) => t.id === id);
  if (!current) throw new AppError('not_found', `There is no job type with id ${id}`);
  const v = parseOrThrow(JobTypeInput, { ...input, code: current.code });
  await checkJobTypeRefs(ctx, v);
  await updateJobTypeRow(ctx.db, id, v);
  ctx.logger.info({ jobType: current.code, by: actor.username }, 'job type updated');
  return (await selectJobTypes(ctx.db)).find((t) => t.id === id)!;
}

/** Creates or updates an event type (EML_<INBOX> codes for inboxes, guide §2.2.4). */
export async function saveEventType(ctx: AppContext, actor: Actor, input: EventTypeInput): Promise<EventType> {
  const v = parseOrThrow(EventTypeInput, input);
  if (v.jobTypeId !== null && !(await jobTypeExists(ctx.db, v.jobTypeId))) {
    throw AppError.validation('jobTypeId', `There is no job type with id ${v.jobTypeId}`);
  }
  const how = await upsertEventType(ctx.db, v);
  ctx.logger.info({ eventType: v.code, how, by: actor.username }, 'event type saved');
  return (await selectEventTypes(ctx.db)).find((e) => e.code === v.code)!;
}

// ── Workflow files (§2.2.5) ──

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/workflow/atcarep.wft', import.meta.url));

export async function workflowTemplate(): Promise<string> {
  return readFile(TEMPLATE_PATH, 'utf8');
}

function asValidation(err: unknown): never {
  if (err instanceof WorkflowFileError) throw AppError.validation(err.problem.field, err.problem.message);
  throw err;
}

/** The shipped template with the guide's find-and-replace applied. */
export async function generateWorkflow(code: string, name: string): Promise<{ fileName: string; text: string; definition: WorkflowDefinition }> {
  try {
    const text = generateWorkflowFile(await workflowTemplate(), code, name);
    const definition = parseWorkflowFile(text);
    return { fileName: `${definition.code}.wft`, text, definition };
  } catch (err) {
    return asValidation(err);
  }
}

/** Registers (or replaces) the workflow category a file defines. */
export async function uploadWorkflow(ctx: AppContext, actor: Actor, text: string): Promise<{ workflow: Workflow; how: 'created' | 'replaced' }> {
  let d: WorkflowDefinition;
  try {
    d = parseWorkflowFile(text);
  } catch (err) {
    return asValidation(err);
  }
  const how = await upsertWorkflow(ctx.db, { code: d.code, name: d.name, pendingName: d.pendingName, completeName: d.completeName, fileText: text, by: actor.username });
  ctx.logger.info({ workflow: d.code, how, by: actor.username }, 'workflow uploaded');
  return { workflow: (await selectWorkflows(ctx.db)).find((w) => w.code === d.code)!, how };
}

export async function downloadWorkflow(ctx: AppContext, code: string): Promise<{ fileName: string; text: string }> {
  const text = await selectWorkflowFile(ctx.db, code.trim().toUpperCase());
  if (text === undefined) throw new AppError('not_found', `There is no workflow ${code}`);
  return { fileName: `${code.trim().toUpperCase()}.wft`, text };
}
