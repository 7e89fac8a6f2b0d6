import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Db } from '../../adapters/db/database.ts';
import { selectEmailsOfTask } from '../../adapters/db/inbound-emails.ts';
import { insertHistory } from '../../adapters/db/tasks.ts';
import { enqueueEmail, kickOutbox, type QueuedEmail } from '../email/enqueue.ts';
import { displaySafeName } from '../../domain/text/bidi.ts';
import { parseOrThrow } from '../users.ts';
import { getTask, type Task } from './tasks.ts';
import type { AppContext, Principal } from '../context.ts';

// Task Details › Reply: an email to the sender of the task's latest email, through the outbox (so it
// is sent exactly once, from EMO_EMAILADDR) and linked to the task in its history. The subject carries
// "[Task N]": a resident answering our reply lands back on the same task (see findThreadTask).

export const ReplyInput = z
  .object({
    template: z.string().trim().toUpperCase().max(40).optional().transform((v) => v || undefined),
    text: z.string().trim().max(100_000).optional(),
  })
  .refine((v) => v.template || v.text, { message: 'write a reply or choose a template', path: ['text'] });

export const taskTag = (taskId: number) => `[Task ${taskId}]`;

export async function replyToTask(ctx: AppContext, principal: Principal, taskId: number, input: z.input<typeof ReplyInput>): Promise<{ outboxId: string; to: string }> {
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
  v: { template?: string; text?: string },
  data: Record<string, unknown> = {},
): Promise<{ outboxId: string; to: string }> {
  const emails = await selectEmailsOfTask(trx, task.id, task.emailId);
  const last = [...emails].reverse().find((e) => e.fromAddress);
  if (!last?.fromAddress) throw new AppError('conflict', 'This task has no email with a sender to reply to', [{ field: 'text', message: 'no sender to reply to' }]);
  const base = (last.subject || task.title).replace(/\s*\[Task \d+\]\s*/g, ' ').trim();
  const subject = `${/^re:/i.test(base) ? base : `RE: ${base}`} ${taskTag(task.id)}`;
  const queued: QueuedEmail = await enqueueEmail(trx, principal, {
    // The sender chose that name: no bidi control goes on to Outlook (Sent Items) or the Outbox page.
    to: [{ address: last.fromAddress, ...(last.fromName ? { name: displaySafeName(last.fromName) } : {}) }],
    ...(v.template
      ? { template: v.template, data: { task: { id: task.id, title: task.title, tag: taskTag(task.id) }, email: { subject: last.subject, from: last.fromAddress, received: last.receivedAt.toISOString() }, officer: { name: principal.displayName }, subject, ...data } }
      : { subject, text: v.text! }),
    source: 'task-manager',
    sourceRef: `task-${task.id}`,
    taskId: task.id,
  });
  await insertHistory(trx, { taskId: task.id, actor: principal.username, action: 'reply queued', detail: `To ${last.fromAddress}: ${subject} (outbox ${queued.id})`, at: ctx.now() });
  return { outboxId: queued.id, to: last.fromAddress };
}
