/**
 * Putting an email in the outbox. `enqueueEmail(trx, actor, input)` runs INSIDE the caller's
 * transaction (a booking move, a task reply …): the email exists exactly when the business change
 * commits. Templates are rendered here, so a template error fails the caller's change loudly
 * instead of an email dying later. Sending happens in the outbox worker.
 *
 *   await ctx.db.transaction().execute(async (trx) => {
 *     await moveBooking(trx, …);
 *     await enqueueEmail(trx, actor, { template: 'APPT_MOVED', data: { … }, to: [tenant.email], source: 'appointments', sourceRef: ref });
 *   });
 *   kickOutbox(ctx); // optional: send now rather than at the next poll
 */
import type { Db } from '../../adapters/db/database.ts';
import { insertOutboxEmail, type OutboxReply } from '../../adapters/db/email-outbox.ts';
import type { BlobStore } from '../../adapters/blobs/blob-store.ts';
import { attachmentInputSize, EmailInput, messageSizeOf } from '../../domain/email/email-input.ts';
import { blobStoreOf } from '../inbound/policy.ts';
import { mb, tooLargeMessage, toOutboxAttachments } from './attachments.ts';
import { describeProblem, renderTemplate, TemplateRenderError } from '../../domain/templates/render.ts';
import { AppError } from '../../errors.ts';
import type { Actor, AppContext } from '../context.ts';
import { parseOrThrow } from '../validation.ts';
import { findTemplate } from './templates.ts';

export { EmailInput };
export const OUTBOX_QUEUE = 'email-outbox';

export interface QueuedEmail {
  id: string;
  /** false when the idempotency key had been used: the id is the earlier email's. */
  created: boolean;
}

export interface EnqueueOptions {
  /** Where attachment bytes go (the API, CLI and UI pass the data directory's store). */
  blobs?: BlobStore;
  /** The tenant's message size limit (Config.maxMessageBytes); default Exchange's 35 MB. */
  maxMessageBytes?: number;
  /** Send as a reply created on this source message in its shared mailbox (Task Manager replies). */
  reply?: OutboxReply;
  /** Extra `x-` internet headers for the draft (Graph takes no others, and only on create). */
  headers?: { name: string; value: string }[];
}

export const DEFAULT_MAX_MESSAGE_BYTES = 35 * 1024 * 1024;

export async function enqueueEmail(trx: Db, actor: Actor, input: EmailInput, opts: EnqueueOptions = {}): Promise<QueuedEmail> {
  const e = parseOrThrow(EmailInput, input);
  let subject = e.subject ?? '';
  let html: string | null = e.html ?? null;
  let text: string | null = e.text ?? null;
  if (e.template) {
    const t = await findTemplate(trx, e.template);
    if (!t) throw AppError.validation('template', `There is no email template ${e.template}`);
    try {
      const r = await renderTemplate(t, e.data);
      subject = r.subject;
      html = r.html.trim() ? r.html : null;
      text = r.text.trim() ? r.text : null;
    } catch (err) {
      if (err instanceof TemplateRenderError) {
        throw new AppError('validation', `Template ${t.code} could not be rendered: ${err.message}`, err.problems.map((p) => ({ field: `template.${p.field}`, message: describeProblem(p) })));
      }
      throw err;
    }
  }
  // Exchange refuses a message over the tenant's limit only at send time (ErrorMessageSizeExceeded):
  // say so now, to whoever queues it, rather than let it die in the outbox.
  const limit = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const attBytes = e.attachments.reduce((n, a) => n + attachmentInputSize(a), 0);
  const size = messageSizeOf({ html, text, subject }, attBytes);
  if (size > limit) {
    throw new AppError('validation', tooLargeMessage(limit, `This email is ${mb(size)},`), [{ field: 'attachments', message: `the email is ${size} bytes; the limit is ${limit} bytes (${mb(limit)})` }]);
  }
  return insertOutboxEmail(trx, {
    to: e.to,
    cc: e.cc,
    bcc: e.bcc,
    replyTo: e.replyTo,
    subject,
    html,
    text,
    templateCode: e.template ?? null,
    templateData: e.template ? e.data : null,
    headers: [...(e.sourceRef ? [{ name: 'x-housing365-ref', value: e.sourceRef }] : []), ...(opts.headers ?? []).filter((h) => /^x-/i.test(h.name))],
    source: e.source,
    sourceRef: e.sourceRef ?? null,
    taskId: e.taskId ?? null,
    idempotencyKey: e.idempotencyKey ?? null,
    createdBy: actor.username,
    ...(opts.reply ? { reply: opts.reply } : {}),
    attachments: await toOutboxAttachments(opts.blobs, e.attachments),
  });
}

/** Wakes the outbox worker now (after the enqueuing transaction committed). No-op without a job queue. */
export function kickOutbox(ctx: AppContext): void {
  ctx.boss?.send(OUTBOX_QUEUE, {}, { singletonKey: 'kick', singletonSeconds: 1 }).catch((err) => ctx.logger.warn({ err }, 'could not wake the outbox worker'));
}

/** API / UI / CLI: enqueue in a transaction of its own, then wake the worker. */
export async function sendEmail(ctx: AppContext, actor: Actor, input: EmailInput): Promise<QueuedEmail> {
  const r = await ctx.db.transaction().execute((trx) => enqueueEmail(trx, actor, input, { blobs: blobStoreOf(ctx), maxMessageBytes: ctx.config.maxMessageBytes }));
  kickOutbox(ctx);
  return r;
}
