/**
 * The SQL behind threading (app/inbound/thread-email.ts): which stored email or sent reply an inbound
 * email answers, the case it belongs to, and the replies waiting for a parent's task.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface ThreadEmail {
  id: number;
  taskId: number | null;
  threadRootId: number | null;
  internetMessageId: string | null;
}

const cols = ['id', 'task_id', 'thread_root_id', 'internet_message_id'] as const;
const toThread = (r: { id: number; task_id: number | null; thread_root_id: number | null; internet_message_id: string | null }): ThreadEmail => ({
  id: Number(r.id), taskId: r.task_id === null ? null : Number(r.task_id), threadRootId: r.thread_root_id === null ? null : Number(r.thread_root_id), internetMessageId: r.internet_message_id,
});

/** Stored emails of the inbox with one of these Message-IDs, the newest first. */
export async function emailsByMessageIds(db: Db, inbox: string, ids: string[]): Promise<ThreadEmail[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('inbound_emails').select(cols).where('inbox', '=', inbox).where('internet_message_id', 'in', ids).orderBy('id', 'desc').execute();
  return rows.map(toThread);
}

/** The task of a reply we sent with one of these Message-IDs (the resident answers our reply). */
export async function sentReplyTask(db: Db, ids: string[]): Promise<number | undefined> {
  if (!ids.length) return undefined;
  const r = await db.selectFrom('email_outbox').select('task_id').where('internet_message_id', 'in', ids).where('task_id', 'is not', null).orderBy('created_at', 'desc').executeTakeFirst();
  return r?.task_id == null ? undefined : Number(r.task_id);
}

/** The latest stored email of the inbox in this Outlook conversation (other than `exceptId`). */
export async function emailByConversation(db: Db, inbox: string, conversationId: string): Promise<ThreadEmail | undefined> {
  const r = await db.selectFrom('inbound_emails').select(cols).where('inbox', '=', inbox).where('conversation_id', '=', conversationId).where('disposition', 'in', ['new', 'threaded']).orderBy('id', 'desc').executeTakeFirst();
  return r && toThread(r);
}

export async function emailTask(db: Db, emailId: number): Promise<number | null> {
  const r = await db.selectFrom('inbound_emails').select('task_id').where('id', '=', emailId).executeTakeFirst();
  return r?.task_id == null ? null : Number(r.task_id);
}

export interface CaseTask {
  id: number;
  status: string;
  inbox: string | null;
  jobTypeId: number;
  teamId: number | null;
  assigneeUserId: number | null;
  title: string;
  replyAfterComplete: 'reopen' | 'new';
  reopenWithinDays: number;
  completedAt: Date | null;
  /** The case's resident: the sender of the email the task was raised for. */
  resident: string | null;
}

/** The task, locked for the change a reply makes to it. */
export async function lockCaseTask(db: Db, taskId: number): Promise<CaseTask | undefined> {
  const r = await db
    .selectFrom('tm_tasks as t')
    .innerJoin('tm_job_types as j', 'j.id', 't.job_type_id')
    .leftJoin('inbound_emails as e', 'e.id', 't.email_id')
    .select(['t.id', 't.status', 't.inbox', 't.job_type_id', 't.team_id', 't.assignee_user_id', 't.title', 'j.reply_after_complete', 'j.reopen_within_days', 'e.from_address'])
    .select(sql<Date | null>`(select max(h.at) from tm_task_history h where h.task_id = t.id and h.to_status = 'complete')`.as('completed_at'))
    .where('t.id', '=', taskId)
    .forUpdate('t')
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: Number(r.id), status: r.status, inbox: r.inbox, jobTypeId: r.job_type_id, teamId: r.team_id, assigneeUserId: r.assignee_user_id, title: r.title,
    replyAfterComplete: r.reply_after_complete, reopenWithinDays: r.reopen_within_days, completedAt: r.completed_at, resident: r.from_address,
  };
}

/**
 * Emails of the inbox stored BEFORE their parent (the reply came first): they name `internetMessageId`
 * in In-Reply-To/References and are in no case yet.
 */
export async function waitingReplies(db: Db, inbox: string, internetMessageId: string, exceptId: number): Promise<ThreadEmail[]> {
  const rows = await db
    .selectFrom('inbound_emails')
    .select(cols)
    .where('inbox', '=', inbox)
    .where('id', '<>', exceptId)
    .where('thread_root_id', 'is', null)
    .where('disposition', 'in', ['new', 'threaded'])
    .where((eb) => eb.or([eb('in_reply_to', '=', internetMessageId), sql<boolean>`${internetMessageId} = any("references")`]))
    .execute();
  return rows.map(toThread);
}

/** Makes `emailIds` replies under `rootId` (waiting for its task, or in `taskId`). */
export async function attachToThread(db: Db, emailIds: number[], rootId: number, taskId: number | null, reason: string): Promise<void> {
  if (!emailIds.length) return;
  await db
    .updateTable('inbound_emails')
    .set({ thread_root_id: rootId, task_id: taskId, disposition: 'threaded', thread_reason: reason })
    .where('id', 'in', emailIds)
    .execute();
}

/**
 * When emails get their tasks (an event query raised them): the replies waiting under each join the
 * same task. Returns the joined replies per task (for the task's history).
 */
export async function linkWaitingReplies(db: Db, pairs: Array<{ emailId: number; taskId: number }>): Promise<Array<{ taskId: number; emailId: number; fromAddress: string | null; subject: string }>> {
  if (!pairs.length) return [];
  const r = await sql<{ task_id: number; id: number; from_address: string | null; subject: string }>`
    UPDATE inbound_emails e SET task_id = v.t
      FROM unnest(${pairs.map((p) => p.emailId)}::bigint[], ${pairs.map((p) => p.taskId)}::bigint[]) AS v(root, t)
     WHERE e.thread_root_id = v.root AND e.task_id IS NULL
    RETURNING e.task_id, e.id, e.from_address, e.subject`.execute(db);
  return r.rows.map((x) => ({ taskId: Number(x.task_id), emailId: Number(x.id), fromAddress: x.from_address, subject: x.subject }));
}

/** What the threading decided for a stored email. */
export async function recordThread(db: Db, emailId: number, v: { taskId: number | null; rootId: number | null; reason: string; senderFlag: string | null }): Promise<void> {
  await db
    .updateTable('inbound_emails')
    .set({ task_id: v.taskId, thread_root_id: v.rootId, thread_reason: v.reason, sender_flag: v.senderFlag, disposition: 'threaded' })
    .where('id', '=', emailId)
    .execute();
}

/** Emails of the inbox that have their task and are not yet marked as handled in Outlook. */
export async function selectUnmarkedEmails(db: Db, inbox: string, limit: number): Promise<Array<{ id: number; graphId: string; taskId: number }>> {
  const rows = await db
    .selectFrom('inbound_emails')
    .select(['id', 'graph_id', 'task_id'])
    .where('inbox', '=', inbox)
    .where('task_id', 'is not', null)
    .where('outlook_state', '=', 'none')
    .where('disposition', 'in', ['new', 'threaded'])
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), graphId: r.graph_id, taskId: Number(r.task_id) }));
}

export async function recordOutlookMark(db: Db, emailId: number, v: { state: 'done' | 'failed'; category?: string }): Promise<void> {
  await db.updateTable('inbound_emails').set({ outlook_state: v.state, ...(v.category ? { outlook_category: v.category } : {}) }).where('id', '=', emailId).execute();
}

/** A task of this inbox with this number (a case reference in a subject). */
export async function taskOfInbox(db: Db, taskId: number, inbox: string): Promise<number | undefined> {
  const t = await db.selectFrom('tm_tasks').select('id').where('id', '=', taskId).where('inbox', '=', inbox).executeTakeFirst();
  return t ? Number(t.id) : undefined;
}

/** The emails (with sender and Graph id) just given tasks, for their acknowledgement. */
export async function selectAckCandidates(db: Db, emailIds: number[]): Promise<Array<{ id: number; inbox: string; mailbox: string; graphId: string; fromAddress: string | null; subject: string; taskId: number | null; disposition: string }>> {
  if (!emailIds.length) return [];
  const rows = await db.selectFrom('inbound_emails').select(['id', 'inbox', 'mailbox', 'graph_id', 'from_address', 'subject', 'task_id', 'disposition']).where('id', 'in', emailIds).execute();
  return rows.map((r) => ({ id: Number(r.id), inbox: r.inbox, mailbox: r.mailbox, graphId: r.graph_id, fromAddress: r.from_address, subject: r.subject, taskId: r.task_id === null ? null : Number(r.task_id), disposition: r.disposition }));
}

/** Whether this sender was acknowledged by the inbox since `since`. */
export async function acknowledgedSince(db: Db, inbox: string, sender: string, since: Date): Promise<boolean> {
  return Boolean(await db.selectFrom('inbound_acknowledgements').select('sent_at').where('inbox', '=', inbox).where('sender', '=', sender.toLowerCase()).where('sent_at', '>', since).executeTakeFirst());
}

export async function insertAcknowledgement(db: Db, v: { inbox: string; sender: string; at: Date; emailId: number; outboxId: string }): Promise<void> {
  await db.insertInto('inbound_acknowledgements').values({ inbox: v.inbox, sender: v.sender.toLowerCase(), sent_at: v.at, email_id: v.emailId, outbox_id: v.outboxId }).onConflict((oc) => oc.doNothing()).execute();
}
