/**
 * Which case an inbound email belongs to — decided here, and only here (issue 17 §2).
 *
 * In order: the Message-IDs it answers (In-Reply-To, then References) — an email of this inbox, or a
 * reply we sent from it; then Outlook's conversationId in this inbox; then the case reference in the
 * subject (`[ASB-123]`, or the older `[Task 123]`). Whatever the order of arrival:
 *   - the parent has a task → the email joins it;
 *   - the parent has no task yet (same poll, or its event has not run) → the email waits under the
 *     parent (`thread_root_id`) and joins when the parent's task is raised (joinWaitingReplies);
 *   - the reply came first → when the parent arrives, the waiting replies come under it (or, when the
 *     reply already has a task, the parent joins that task).
 * A reply to a completed task reopens it within the job type's `reopen_within_days` (default 30), or
 * raises a new task linked to the old one (`reply_after_complete = 'new'`, or later than that). A
 * reply from someone other than the case's resident is flagged on the task, not merged silently.
 * The reason goes on the task's history and on the email (`thread_reason`).
 */
import type { Db } from '../../adapters/db/database.ts';
import { attachToThread, emailByConversation, emailsByMessageIds, emailTask, linkWaitingReplies, lockCaseTask, recordThread, sentReplyTask, taskOfInbox, waitingReplies, type ThreadEmail } from '../../adapters/db/email-threads.ts';
import type { NewInboundEmail } from '../../adapters/db/inbound-emails.ts';
import { insertHistory, insertTask, updateTaskRow } from '../../adapters/db/tasks.ts';
import { parseCaseReference } from '../../domain/conversation/case-reference.ts';

export interface CaseMatch {
  taskId: number | null;
  /** The first email of the thread, when the match is an email. */
  rootId: number | null;
  reason: string;
}

const DAY_MS = 86_400_000;

async function viaEmail(trx: Db, m: ThreadEmail, reason: string): Promise<CaseMatch> {
  const rootId = m.threadRootId ?? m.id;
  const taskId = m.taskId ?? (m.threadRootId !== null ? await emailTask(trx, m.threadRootId) : null);
  return { taskId, rootId, reason };
}

/** The case of an email about to be stored, or undefined (a new conversation). */
export async function findCase(trx: Db, e: Pick<NewInboundEmail, 'inbox' | 'inReplyTo' | 'references' | 'conversationId' | 'subject' | 'internetMessageId'>): Promise<CaseMatch | undefined> {
  const refs = [...new Set([...(e.inReplyTo ? [e.inReplyTo] : []), ...[...e.references].reverse()])];
  if (refs.length) {
    const found = await emailsByMessageIds(trx, e.inbox, refs);
    // The closest parent first: In-Reply-To, then the latest References.
    const best = refs.map((id) => found.find((f) => f.internetMessageId === id)).find((x) => x);
    if (best) return viaEmail(trx, best, `${best.internetMessageId === e.inReplyTo ? 'In-Reply-To' : 'References'} names email ${best.id} (${best.internetMessageId})`);
    const ours = await sentReplyTask(trx, refs);
    if (ours !== undefined) return { taskId: ours, rootId: null, reason: `answers a reply sent from task ${ours}` };
  }
  if (e.conversationId) {
    const c = await emailByConversation(trx, e.inbox, e.conversationId);
    if (c) return viaEmail(trx, c, `same Outlook conversation as email ${c.id}`);
  }
  const ref = parseCaseReference(e.subject);
  if (ref && (!ref.inbox || ref.inbox === e.inbox.toUpperCase())) {
    const t = await taskOfInbox(trx, ref.taskId, e.inbox);
    if (t !== undefined) return { taskId: t, rootId: null, reason: `case reference ${ref.inbox ? `[${ref.inbox}-${ref.taskId}]` : `[Task ${ref.taskId}]`} in the subject` };
  }
  if (e.internetMessageId) {
    // The reply came first and already has its task: the parent joins it.
    const early = (await waitingReplies(trx, e.inbox, e.internetMessageId, -1)).find((w) => w.taskId !== null);
    if (early) return { taskId: early.taskId, rootId: null, reason: `email ${early.id} of this case, which arrived first, answers this one` };
  }
  return undefined;
}

export interface Joined {
  taskId: number | null;
  /** A new task raised because the case's task was completed. */
  raised?: number;
  reopened?: boolean;
  flagged?: string;
}

/** Applies the decision to the stored email `emailId` (in the storing transaction), with the history. */
export async function joinCase(trx: Db, emailId: number, e: Pick<NewInboundEmail, 'inbox' | 'fromAddress' | 'subject' | 'internetMessageId'>, match: CaseMatch, at: Date): Promise<Joined> {
  const from = e.fromAddress ?? 'an unknown sender';
  const what = `${from}: ${e.subject.slice(0, 200) || '(no subject)'}`;
  if (match.taskId === null) {
    // Its parent has no task yet: it waits under the parent and joins when that task is raised.
    await recordThread(trx, emailId, { taskId: null, rootId: match.rootId, reason: `${match.reason}; waiting for that email's task`, senderFlag: null });
    return { taskId: null };
  }
  const task = await lockCaseTask(trx, match.taskId);
  if (!task) return { taskId: null };
  const flagged = task.resident && e.fromAddress && task.resident.toLowerCase() !== e.fromAddress.toLowerCase() ? `from ${e.fromAddress}, not the case's resident ${task.resident}` : null;
  let taskId = task.id;
  const out: Joined = { taskId };
  if (task.status === 'complete') {
    const since = task.completedAt ? at.getTime() - task.completedAt.getTime() : 0;
    if (task.replyAfterComplete === 'reopen' && since <= task.reopenWithinDays * DAY_MS) {
      await updateTaskRow(trx, task.id, { status: 'open', at });
      await insertHistory(trx, { taskId: task.id, actor: 'system', action: 'reopened by a reply', fromStatus: 'complete', toStatus: 'open', detail: `From ${what} (${match.reason}; completed ${Math.floor(since / DAY_MS)} day(s) ago, within ${task.reopenWithinDays})`, at });
      out.reopened = true;
    } else {
      taskId = await insertTask(trx, { jobTypeId: task.jobTypeId, title: task.title, teamId: task.teamId, assigneeUserId: task.assigneeUserId, emailId, parentTaskId: task.id, inbox: task.inbox, at });
      await insertHistory(trx, { taskId, actor: 'system', action: 'created', toStatus: 'open', detail: `Raised for a reply to completed task ${task.id}: ${what} (${match.reason})`, at });
      await insertHistory(trx, { taskId: task.id, actor: 'system', action: 'reply after completion', detail: `From ${what}: new task ${taskId} raised, linked to this one (${task.replyAfterComplete === 'new' ? 'the job type raises a new task' : `completed more than ${task.reopenWithinDays} day(s) ago`})`, at });
      out.taskId = taskId;
      out.raised = taskId;
      await recordThread(trx, emailId, { taskId, rootId: null, reason: `${match.reason}; task ${task.id} was complete: new task ${taskId}`, senderFlag: flagged });
      if (flagged) await insertHistory(trx, { taskId, actor: 'system', action: 'reply flagged', detail: `A reply ${flagged}: check it belongs to this case`, at });
      return { ...out, ...(flagged ? { flagged } : {}) };
    }
  } else {
    const reopen = task.status === 'pending';
    if (reopen) await updateTaskRow(trx, task.id, { status: 'open', at });
    else await updateTaskRow(trx, task.id, { at });
    await insertHistory(trx, { taskId: task.id, actor: 'system', action: 'reply received', fromStatus: reopen ? 'pending' : null, toStatus: reopen ? 'open' : null, detail: `From ${what}${reopen ? ' (moved back to open)' : ''} — ${match.reason}`, at });
    out.reopened = reopen;
  }
  if (flagged) {
    await insertHistory(trx, { taskId, actor: 'system', action: 'reply flagged', detail: `A reply ${flagged}: check it belongs to this case`, at });
    out.flagged = flagged;
  }
  await recordThread(trx, emailId, { taskId, rootId: match.rootId, reason: match.reason, senderFlag: flagged });
  return out;
}

/** Replies that arrived before this email (they name it) come under it, and into its task when it has one. */
export async function adoptEarlierReplies(trx: Db, emailId: number, e: Pick<NewInboundEmail, 'inbox' | 'internetMessageId'>, own: { taskId: number | null; rootId: number | null }, at: Date): Promise<number> {
  if (!e.internetMessageId) return 0;
  const waiting = (await waitingReplies(trx, e.inbox, e.internetMessageId, emailId)).filter((w) => w.taskId === null);
  if (!waiting.length) return 0;
  const root = own.rootId ?? emailId;
  await attachToThread(trx, waiting.map((w) => w.id), root, own.taskId, `answers email ${emailId}, which arrived after it`);
  if (own.taskId !== null) await insertHistory(trx, { taskId: own.taskId, actor: 'system', action: 'reply received', detail: `${waiting.length} reply(ies) that arrived before their parent joined (${waiting.map((w) => `email ${w.id}`).join(', ')})`, at });
  return waiting.length;
}

/** When an event query raised tasks for emails: the replies waiting under them join, with history. */
export async function joinWaitingReplies(trx: Db, pairs: Array<{ emailId: number; taskId: number }>, at: Date): Promise<void> {
  for (const j of await linkWaitingReplies(trx, pairs)) {
    await insertHistory(trx, { taskId: j.taskId, actor: 'system', action: 'reply received', detail: `From ${j.fromAddress ?? 'an unknown sender'}: ${j.subject.slice(0, 200) || '(no subject)'} — a reply stored before this task was raised (same thread)`, at });
  }
}
