import { sql } from 'kysely';
import type { Db } from './database.ts';

// Task Manager set-up rows: workflows (categories), job groups, job types, event types.

export interface Workflow {
  code: string;
  name: string;
  pendingName: string;
  completeName: string;
  uploadedAt: Date;
  uploadedBy: string;
}

export interface JobGroup {
  id: number;
  code: string;
  name: string;
  restricted: boolean;
  teamIds: number[];
}

export interface JobType {
  id: number;
  code: string;
  name: string;
  jobGroupId: number | null;
  jobGroupCode: string | null;
  workflowCode: string | null;
  defaultTeamId: number | null;
  defaultTeamCode: string | null;
  defaultUserId: number | null;
  defaultUsername: string | null;
}

export interface EventType {
  code: string;
  description: string;
  jobTypeId: number | null;
  jobTypeCode: string | null;
}

export async function selectWorkflows(db: Db): Promise<Workflow[]> {
  const rows = await db.selectFrom('tm_workflows').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, pendingName: r.pending_name, completeName: r.complete_name, uploadedAt: r.uploaded_at, uploadedBy: r.uploaded_by }));
}

export async function selectWorkflowFile(db: Db, code: string): Promise<string | undefined> {
  return (await db.selectFrom('tm_workflows').select('file_text').where('code', '=', code).executeTakeFirst())?.file_text;
}

export async function upsertWorkflow(db: Db, w: { code: string; name: string; pendingName: string; completeName: string; fileText: string; by: string }): Promise<'created' | 'replaced'> {
  const r = await db
    .insertInto('tm_workflows')
    .values({ code: w.code, name: w.name, pending_name: w.pendingName, complete_name: w.completeName, file_text: w.fileText, uploaded_by: w.by })
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: w.name, pending_name: w.pendingName, complete_name: w.completeName, file_text: w.fileText, uploaded_by: w.by, uploaded_at: new Date() }))
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirstOrThrow();
  return r.inserted ? 'created' : 'replaced';
}

export async function selectJobGroups(db: Db): Promise<JobGroup[]> {
  const rows = await db
    .selectFrom('tm_job_groups as g')
    .select(['g.id', 'g.code', 'g.name', 'g.restricted', sql<number[]>`coalesce((select array_agg(team_id order by team_id) from tm_job_group_teams t where t.job_group_id = g.id), '{}')`.as('team_ids')])
    .orderBy('g.code')
    .execute();
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, restricted: r.restricted, teamIds: r.team_ids }));
}

export async function insertJobGroup(db: Db, g: { code: string; name: string; restricted: boolean; teamIds: number[] }): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('tm_job_groups').values({ code: g.code, name: g.name, restricted: g.restricted }).onConflict((oc) => oc.column('code').doNothing()).returning('id').executeTakeFirst();
    if (!row) return undefined;
    if (g.teamIds.length) await trx.insertInto('tm_job_group_teams').values(g.teamIds.map((team_id) => ({ job_group_id: row.id, team_id }))).execute();
    return row.id;
  });
}

export async function updateJobGroupRow(db: Db, id: number, patch: { name?: string; restricted?: boolean; teamIds?: number[] }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('tm_job_groups').set({ name: patch.name, restricted: patch.restricted }).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    if (patch.teamIds) {
      await trx.deleteFrom('tm_job_group_teams').where('job_group_id', '=', id).execute();
      if (patch.teamIds.length) await trx.insertInto('tm_job_group_teams').values(patch.teamIds.map((team_id) => ({ job_group_id: id, team_id }))).execute();
    }
    return true;
  });
}

export async function selectJobTypes(db: Db): Promise<JobType[]> {
  const rows = await db
    .selectFrom('tm_job_types as jt')
    .leftJoin('tm_job_groups as g', 'g.id', 'jt.job_group_id')
    .leftJoin('teams as t', 't.id', 'jt.default_team_id')
    .leftJoin('users as u', 'u.id', 'jt.default_user_id')
    .select(['jt.id', 'jt.code', 'jt.name', 'jt.job_group_id', 'g.code as group_code', 'jt.workflow_code', 'jt.default_team_id', 't.code as team_code', 'jt.default_user_id', 'u.username'])
    .orderBy('jt.code')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    jobGroupId: r.job_group_id,
    jobGroupCode: r.group_code,
    workflowCode: r.workflow_code,
    defaultTeamId: r.default_team_id,
    defaultTeamCode: r.team_code,
    defaultUserId: r.default_user_id,
    defaultUsername: r.username,
  }));
}

export interface JobTypeValues {
  code: string;
  name: string;
  jobGroupId: number | null;
  workflowCode: string | null;
  defaultTeamId: number | null;
  defaultUserId: number | null;
}

export async function insertJobType(db: Db, v: JobTypeValues): Promise<number | undefined> {
  const r = await db
    .insertInto('tm_job_types')
    .values({ code: v.code, name: v.name, job_group_id: v.jobGroupId, workflow_code: v.workflowCode, default_team_id: v.defaultTeamId, default_user_id: v.defaultUserId })
    .onConflict((oc) => oc.column('code').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id;
}

export async function updateJobTypeRow(db: Db, id: number, v: Omit<JobTypeValues, 'code'>): Promise<boolean> {
  const r = await db
    .updateTable('tm_job_types')
    .set({ name: v.name, job_group_id: v.jobGroupId, workflow_code: v.workflowCode, default_team_id: v.defaultTeamId, default_user_id: v.defaultUserId })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function selectEventTypes(db: Db): Promise<EventType[]> {
  const rows = await db
    .selectFrom('tm_event_types as et')
    .leftJoin('tm_job_types as jt', 'jt.id', 'et.job_type_id')
    .select(['et.code', 'et.description', 'et.job_type_id', 'jt.code as job_type_code'])
    .orderBy('et.code')
    .execute();
  return rows.map((r) => ({ code: r.code, description: r.description, jobTypeId: r.job_type_id, jobTypeCode: r.job_type_code }));
}

export async function upsertEventType(db: Db, v: { code: string; description: string; jobTypeId: number | null }): Promise<'created' | 'updated'> {
  const r = await db
    .insertInto('tm_event_types')
    .values({ code: v.code, description: v.description, job_type_id: v.jobTypeId })
    .onConflict((oc) => oc.column('code').doUpdateSet({ description: v.description, job_type_id: v.jobTypeId }))
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirstOrThrow();
  return r.inserted ? 'created' : 'updated';
}

export async function teamIdsOfUser(db: Db, userId: number): Promise<number[]> {
  return (await db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute()).map((r) => r.team_id);
}

/** Of these team ids, the ones that exist. */
export async function selectExistingTeamIds(db: Db, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  return new Set((await db.selectFrom('teams').select('id').where('id', 'in', ids).execute()).map((t) => t.id));
}

export async function jobGroupExists(db: Db, id: number): Promise<boolean> {
  return Boolean(await db.selectFrom('tm_job_groups').select('id').where('id', '=', id).executeTakeFirst());
}

export async function jobTypeExists(db: Db, id: number): Promise<boolean> {
  return Boolean(await db.selectFrom('tm_job_types').select('id').where('id', '=', id).executeTakeFirst());
}

export async function workflowExists(db: Db, code: string): Promise<boolean> {
  return Boolean(await db.selectFrom('tm_workflows').select('code').where('code', '=', code).executeTakeFirst());
}

export async function activeUserExists(db: Db, id: number): Promise<boolean> {
  return Boolean(await db.selectFrom('users').select('id').where('id', '=', id).where('active', '=', true).executeTakeFirst());
}

export async function eventTypeExists(db: Db, code: string): Promise<boolean> {
  return Boolean(await db.selectFrom('tm_event_types').select('code').where('code', '=', code).executeTakeFirst());
}
