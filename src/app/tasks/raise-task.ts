import type { Db } from '../../adapters/db/database.ts';
import { insertHistory, insertTask } from '../../adapters/db/tasks.ts';
import { openComplaintCases } from '../complaints/open-cases.ts';

export interface NewTask {
  jobType: { id: number; defaultTeamId: number | null; defaultUserId: number | null };
  title: string;
  actor: string;
  detail: string;
  at: Date;
  eventId?: number | null;
  emailId?: number | null;
  parentTaskId?: number | null;
  inbox?: string | null;
}

/** Titles come from email subjects: one line, bounded, never empty. */
export function taskTitle(raw: string | null | undefined, fallback = '(no subject)'): string {
  const line = (raw ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!line) return fallback;
  return [...line].length > 300 ? `${[...line].slice(0, 299).join('')}…` : line;
}

/**
 * Creates a task assigned by its job type's rule (a default team or a default person) and its first
 * history entry. Runs inside the caller's transaction.
 */
export async function raiseTask(trx: Db, t: NewTask): Promise<number> {
  const id = await insertTask(trx, {
    jobTypeId: t.jobType.id,
    title: taskTitle(t.title),
    teamId: t.jobType.defaultTeamId,
    assigneeUserId: t.jobType.defaultUserId,
    eventId: t.eventId,
    emailId: t.emailId,
    parentTaskId: t.parentTaskId,
    inbox: t.inbox,
    at: t.at,
  });
  await insertHistory(trx, { taskId: id, actor: t.actor, action: 'created', toStatus: 'open', detail: t.detail, at: t.at });
  await openComplaintCases(trx, [id], t.at);
  return id;
}
