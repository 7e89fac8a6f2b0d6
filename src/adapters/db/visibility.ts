import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Viewer } from '../../domain/tasks/visibility.ts';

// The visibility policy of domain/tasks/visibility.ts as SQL — the only place it is written as SQL.
// Every query that shows task-derived rows (tasks, outbox, audit, parked mail, sync errors) filters
// with one of these, so a row the viewer may not see is never read, rather than hidden afterwards.

const idList = (ids: readonly number[]) => (ids.length ? sql.join(ids.map((i) => sql`${i}`)) : sql`NULL`);

/** Whether the viewer is in one of the teams of job group `groupId` (an SQL expression). */
const inGroupTeams = (viewer: Viewer, groupId: RawBuilder<unknown>) =>
  sql`EXISTS (SELECT 1 FROM tm_job_group_teams gt WHERE gt.job_group_id = ${groupId} AND gt.team_id IN (${idList(viewer.teamIds)}))`;

/** canSeeTask over the aliases t (tm_tasks) and g (its job group, left-joined through tm_job_types). */
export function visibleTo(viewer: Viewer): RawBuilder<SqlBool> {
  if (viewer.operator) return sql<SqlBool>`true`;
  return sql<SqlBool>`(
    (coalesce(g.restricted, false) AND ${inGroupTeams(viewer, sql`g.id`)})
    OR (NOT coalesce(g.restricted, false) AND (${viewer.isAdmin} OR t.assignee_user_id = ${viewer.userId} OR t.team_id IN (${idList(viewer.teamIds)})))
  )`;
}

/**
 * For a row that may belong to a task (`taskId` is a column reference such as `e.task_id`): true when
 * it belongs to none, or to a task the viewer may see.
 */
export function taskRowVisibleTo(viewer: Viewer, taskId: string): RawBuilder<SqlBool> {
  if (viewer.operator) return sql<SqlBool>`true`;
  const ref = sql.ref(taskId);
  return sql<SqlBool>`(${ref} IS NULL OR EXISTS (
    SELECT 1 FROM tm_tasks t JOIN tm_job_types jt ON jt.id = t.job_type_id LEFT JOIN tm_job_groups g ON g.id = jt.job_group_id
     WHERE t.id = ${ref} AND ${visibleTo(viewer)}))`;
}

/**
 * For mail of an inbox that is not (yet) a task — parked mail, a run's error — `inbox` a column
 * reference holding the inbox code: false when the inbox's EML_<INBOX> event type raises tasks of a
 * restricted job group and the viewer is in none of its teams.
 */
export function inboxRowVisibleTo(viewer: Viewer, inbox: string): RawBuilder<SqlBool> {
  if (viewer.operator) return sql<SqlBool>`true`;
  return sql<SqlBool>`NOT EXISTS (
    SELECT 1 FROM tm_event_types et JOIN tm_job_types jt ON jt.id = et.job_type_id JOIN tm_job_groups g ON g.id = jt.job_group_id
     WHERE et.code = 'EML_' || upper(${sql.ref(inbox)}) AND g.restricted AND NOT ${inGroupTeams(viewer, sql`g.id`)})`;
}
