import { AppError } from '../../errors.ts';
import { selectAttachment, selectAttachments, selectEmailsOfTask, type InboundAttachment, type InboundEmail } from '../../adapters/db/inbound-emails.ts';
import { selectHistory } from '../../adapters/db/tasks.ts';
import { BlobNotFound } from '../../adapters/blobs/blob-store.ts';
import { blobStoreOf } from '../inbound/policy.ts';
import { getTask, type Task, type TaskHistoryEntry } from './tasks.ts';
import type { Readable } from 'node:stream';
import type { AppContext, Principal } from '../context.ts';

export interface TaskEmail extends InboundEmail {
  attachments: InboundAttachment[];
}

export interface TaskDetails {
  task: Task;
  emails: TaskEmail[];
  history: TaskHistoryEntry[];
}

/** Task Details: the task (if the principal may see it), its emails with attachments, its history. */
export async function getTaskDetails(ctx: AppContext, principal: Principal, id: number): Promise<TaskDetails> {
  const task = await getTask(ctx, principal, id);
  const [emails, history] = await Promise.all([selectEmailsOfTask(ctx.db, task.id, task.emailId), selectHistory(ctx.db, task.id)]);
  const attachments = await selectAttachments(ctx.db, emails.map((e) => e.id));
  return { task, emails: emails.map((e) => ({ ...e, attachments: attachments.filter((a) => a.emailId === e.id) })), history };
}

/** A saved attachment of a task the principal may see, as a stream. Rejected ones have no bytes. */
export async function openTaskAttachment(ctx: AppContext, principal: Principal, taskId: number, attachmentId: number): Promise<{ attachment: InboundAttachment; stream: Readable }> {
  const task = await getTask(ctx, principal, taskId);
  const a = await selectAttachment(ctx.db, attachmentId);
  const emails = a ? await selectEmailsOfTask(ctx.db, task.id, task.emailId) : [];
  if (!a || !emails.some((e) => e.id === a.emailId)) throw new AppError('not_found', `Task ${taskId} has no attachment ${attachmentId}`);
  if (!a.blobSha256) throw new AppError('not_found', `${a.name} was not saved: ${a.rejectedReason ?? 'it is a link, not a file'}`);
  try {
    return { attachment: a, stream: await blobStoreOf(ctx).open(a.blobSha256) };
  } catch (err) {
    if (err instanceof BlobNotFound) throw new AppError('not_found', `The file of ${a.name} is missing from the attachment store`);
    throw err;
  }
}
