import { AppError } from '../../errors.ts';
import { selectAttachment, selectAttachments, selectEmailsOfTask, type InboundAttachment, type InboundEmail } from '../../adapters/db/inbound-emails.ts';
import { selectHistory } from '../../adapters/db/tasks.ts';
import { selectAttachmentInfo, selectTaskOutbox, type OutboxAttachment } from '../../adapters/db/email-outbox.ts';
import { organisationZone } from '../complaints/clock.ts';
import { BlobNotFound } from '../../adapters/blobs/blob-store.ts';
import { blobStoreOf } from '../inbound/policy.ts';
import { getTask, type Task, type TaskHistoryEntry } from './tasks.ts';
import type { Readable } from 'node:stream';
import type { AppContext, Principal } from '../context.ts';

export interface TaskEmail extends InboundEmail {
  attachments: InboundAttachment[];
}

/** An email we sent (or are sending) on the task: a reply from the shared inbox, or system mail about it. */
export interface TaskSentEmail {
  id: string;
  status: string;
  subject: string;
  from: string | null;
  to: string[];
  text: string | null;
  html: string | null;
  at: Date;
  sentAt: Date | null;
  isReply: boolean;
  createdBy: string;
  attachments: OutboxAttachment[];
}

export interface TaskDetails {
  task: Task;
  emails: TaskEmail[];
  /** Outbound emails of the case, oldest first (the timeline merges them with `emails`). */
  sent: TaskSentEmail[];
  history: TaskHistoryEntry[];
  /** The organisation's IANA zone (OUTLOOK365_TIMEZONE): pages show times in it. */
  timeZone: string;
}

/** Task Details: the task (if the principal may see it), its emails with attachments, its history. */
export async function getTaskDetails(ctx: AppContext, principal: Principal, id: number): Promise<TaskDetails> {
  const task = await getTask(ctx, principal, id);
  const [emails, history] = await Promise.all([selectEmailsOfTask(ctx.db, task.id, task.emailId), selectHistory(ctx.db, task.id)]);
  const attachments = await selectAttachments(ctx.db, emails.map((e) => e.id));
  const [out, timeZone] = await Promise.all([selectTaskOutbox(ctx.db, task.id), organisationZone(ctx.db)]);
  const sent = await Promise.all(
    out.map(async (o) => ({
      id: o.id, status: o.status, subject: o.subject, from: o.reply?.mailbox ?? o.fromMailbox, to: o.to.map((r) => r.address), text: o.text, html: o.html,
      at: o.sentAt ?? o.createdAt, sentAt: o.sentAt, isReply: o.reply !== null, createdBy: o.createdBy, attachments: await selectAttachmentInfo(ctx.db, o.id),
    })),
  );
  return { task, emails: emails.map((e) => ({ ...e, attachments: attachments.filter((a) => a.emailId === e.id) })), sent, history, timeZone };
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
