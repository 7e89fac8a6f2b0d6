import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Db } from '../../adapters/db/database.ts';
import { selectAttachments, selectEmailsOfTask } from '../../adapters/db/inbound-emails.ts';
import { selectInboxConversation } from '../../adapters/db/inbox-conversation.ts';
import { insertHistory } from '../../adapters/db/tasks.ts';
import { AttachmentInput } from '../../domain/email/email-input.ts';
import { caseReference, replySubject } from '../../domain/conversation/case-reference.ts';
import { enqueueEmail, kickOutbox, type QueuedEmail } from '../email/enqueue.ts';
import { blobStoreOf } from '../inbound/policy.ts';
import { displaySafeName } from '../../domain/text/bidi.ts';
import { parseOrThrow } from '../validation.ts';
import { getTask, type Task } from './tasks.ts';
import type { AppContext, Principal } from '../context.ts';

// Task Details › Reply: the officer answers the resident FROM THE SHARED INBOX the resident wrote to.
// The outbox creates the reply on the source message there (Graph createReply, see
// adapters/graph/conversation.ts), so the resident's mail client threads it, the resident's answer
// comes back to that inbox (and joins this case: app/inbound/thread-email.ts), and the sent copy sits
// in that mailbox's Sent Items for colleagues. Exactly once, through the outbox. EMO_EMAILADDR stays
// the sender of system mail only.

export const ReplyInput = z
  .object({
    template: z.string().trim().toUpperCase().max(40).optional().transform((v) => v || undefined),
    text: z.string().trim().max(100_000).optional(),
    /** Reply to everyone on the source message (createReplyAll), not only its sender. */
    replyAll: z.boolean().optional(),
    /** Saved attachments of this task's emails to send on (their ids). */
    attachmentIds: z.array(z.number().int().positive()).max(50).optional(),
    /** Files uploaded with the reply. */
    attachments: z.array(AttachmentInput).max(20).optional(),
  })
  .refine((v) => v.template || v.text, { message: 'write a reply or choose a template', path: ['text'] });

export async function replyToTask(ctx: AppContext, principal: Principal, taskId: number, input: z.input<typeof ReplyInput>): Promise<{ outboxId: string; to: string; from: string; subject: string }> {
  const v = parseOrThrow(ReplyInput, input);
  const task = await getTask(ctx, principal, taskId);
  const r = await ctx.db.transaction().execute((trx) => queueTaskReply(ctx, trx, principal, task, v));
  kickOutbox(ctx);
  return r;
}

/**
 * The reply, queued in the caller's transaction (a complaint step and its acknowledgement email commit
 * together). `data` adds merge fields to a template's (e.g. `complaint`).
 */
export async function queueTaskReply(
  ctx: AppContext,
  trx: Db,
  principal: Principal,
  task: Task,
  v: z.output<typeof ReplyInput> | { template?: string; text?: string },
  data: Record<string, unknown> = {},
): Promise<{ outboxId: string; to: string; from: string; subject: string }> {
  const emails = await selectEmailsOfTask(trx, task.id, task.emailId);
  // The resident's latest message (not an auto-reply, not our own) is the one we answer.
  const source = [...emails].reverse().find((e) => e.fromAddress && (e.disposition === 'new' || e.disposition === 'threaded'));
  if (!source?.fromAddress) throw new AppError('conflict', 'This task has no email with a sender to reply to', [{ field: 'text', message: 'no sender to reply to' }]);
  const settings = await selectInboxConversation(trx, source.inbox);
  const ref = caseReference(source.inbox, task.id);
  const subject = replySubject(source.subject || task.title, settings.subjectReference ? ref : undefined);
  const full = v as Partial<z.output<typeof ReplyInput>>;
  const fromTask = full.attachmentIds?.length ? await taskAttachments(trx, emails.map((e) => e.id), full.attachmentIds) : [];
  const queued: QueuedEmail = await enqueueEmail(
    trx,
    principal,
    {
      // The sender chose that name: no bidi control goes on to Outlook (Sent Items) or the Outbox page.
      to: [{ address: source.fromAddress, ...(source.fromName ? { name: displaySafeName(source.fromName) } : {}) }],
      ...(v.template
        ? { template: v.template, data: { task: { id: task.id, title: task.title, ref, tag: `[Task ${task.id}]` }, email: { subject: source.subject, from: source.fromAddress, received: source.receivedAt.toISOString() }, officer: { name: principal.displayName }, subject, ...data } }
        : { subject, text: v.text! }),
      attachments: [...fromTask, ...(full.attachments ?? [])],
      source: 'task-manager',
      sourceRef: `task-${task.id}`,
      taskId: task.id,
    },
    { blobs: blobStoreOf(ctx), maxMessageBytes: ctx.config.maxMessageBytes, reply: { mailbox: source.mailbox, graphId: source.graphId, all: Boolean(full.replyAll) } },
  );
  await insertHistory(trx, { taskId: task.id, actor: principal.username, action: 'reply queued', detail: `From ${source.mailbox} to ${source.fromAddress}: ${subject} (outbox ${queued.id})`, at: ctx.now() });
  return { outboxId: queued.id, to: source.fromAddress, from: source.mailbox, subject };
}

async function taskAttachments(trx: Db, emailIds: number[], ids: number[]): Promise<z.input<typeof AttachmentInput>[]> {
  const all = await selectAttachments(trx, emailIds);
  return ids.map((id) => {
    const a = all.find((x) => x.id === id);
    if (!a) throw AppError.validation('attachmentIds', `Attachment ${id} is not one of this task's emails`);
    if (!a.blobSha256) throw AppError.validation('attachmentIds', `Attachment ${a.name} was not saved (${a.rejectedReason ?? 'no content'}): it cannot be sent on`);
    return { name: a.name, contentType: a.declaredType || 'application/octet-stream', blob: { sha256: a.blobSha256, size: a.size } };
  });
}
