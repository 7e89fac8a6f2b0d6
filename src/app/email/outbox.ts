/**
 * Reading and managing the outbox (Outbox page, API, CLI). Every read takes the viewer: a reply to a
 * task is shown only to who may see the task (domain/tasks/visibility.ts), elsewhere a 404 like the task.
 */
import { countByStatus, requeueDead, selectAttachmentInfo, selectEvents, selectOutboxEmail, selectOutboxEmails, type OutboxAttachment, type OutboxEmail, type OutboxEvent } from '../../adapters/db/email-outbox.ts';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../domain/email/outbox.ts';
import { AppError } from '../../errors.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';
import type { Actor, AppContext } from '../context.ts';
import { recordAudit } from '../audit.ts';
import { kickOutbox } from './enqueue.ts';

export type { OutboxEmail, OutboxEvent, OutboxAttachment };

export interface OutboxEmailDetail extends OutboxEmail {
  attachments: OutboxAttachment[];
  events: OutboxEvent[];
}

export async function getOutboxEmail(ctx: AppContext, id: string, viewer: Viewer): Promise<OutboxEmailDetail> {
  const e = await selectOutboxEmail(ctx.db, id, viewer);
  if (!e) throw new AppError('not_found', `There is no email ${id} in the outbox`, [{ field: 'id', message: 'unknown email' }]);
  const [attachments, events] = await Promise.all([selectAttachmentInfo(ctx.db, id), selectEvents(ctx.db, id)]);
  return { ...e, attachments, events };
}

export async function listOutbox(ctx: AppContext, viewer: Viewer, opts: { status?: string; limit?: number; offset?: number } = {}): Promise<OutboxEmail[]> {
  let status: OutboxStatus | undefined;
  if (opts.status) {
    if (!OUTBOX_STATUSES.includes(opts.status as OutboxStatus)) throw AppError.validation('status', `status must be one of ${OUTBOX_STATUSES.join(', ')}`);
    status = opts.status as OutboxStatus;
  }
  return selectOutboxEmails(ctx.db, viewer, { status, limit: Math.min(500, Math.max(1, opts.limit ?? 50)), offset: Math.max(0, opts.offset ?? 0) });
}

export const outboxCounts = (ctx: AppContext, viewer: Viewer) => countByStatus(ctx.db, viewer);

/** Puts a dead email back in the queue (after the cause was fixed). */
export async function replayEmail(ctx: AppContext, actor: Actor, id: string, viewer: Viewer): Promise<OutboxEmailDetail> {
  const e = await getOutboxEmail(ctx, id, viewer);
  if (e.status !== 'dead') throw new AppError('conflict', `Only dead emails can be replayed; this one is ${e.status}`, [{ field: 'status', message: `is ${e.status}` }]);
  if (!(await requeueDead(ctx.db, id, actor.username))) throw new AppError('conflict', 'The email changed meanwhile; reload and try again');
  await recordAudit(ctx.db, actor, { action: 'email.replay', entityType: 'email_outbox', entityId: id, summary: `Dead email "${e.subject}" replayed`, taskId: e.taskId });
  kickOutbox(ctx);
  return getOutboxEmail(ctx, id, viewer);
}
