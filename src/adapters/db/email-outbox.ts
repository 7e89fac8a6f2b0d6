/**
 * The outbound email outbox (migration 0002): rows ↔ `OutboxEmail`, claims with SKIP LOCKED under a
 * per-mailbox advisory lock (so the send rate is counted and taken atomically across workers), and
 * guarded state changes: a result is only written by the worker that holds the claim.
 */
import { sql, type Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { EmailOutboxRow } from './schema.ts';
import type { OutboxStatus } from '../../domain/email/outbox.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';
import { taskRowVisibleTo } from './visibility.ts';

export interface Address {
  address: string;
  name?: string;
}

/** What an email is, as queued: the part a new row and a stored one share. */
export interface OutboxContent {
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  subject: string;
  html: string | null;
  text: string | null;
  templateCode: string | null;
  templateData: Record<string, unknown> | null;
  headers: { name: string; value: string }[];
  source: string;
  sourceRef: string | null;
  /** The task it answers: only who may see that task sees this email. */
  taskId: number | null;
  idempotencyKey: string | null;
  createdBy: string;
}

export interface OutboxEmail extends OutboxContent {
  id: string;
  status: OutboxStatus;
  fromMailbox: string | null;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  lastError: string | null;
  heldReason: string | null;
  deadReason: string | null;
  draftId: string | null;
  internetMessageId: string | null;
  sendStartedAt: Date | null;
  /** When Graph was last asked to send the recorded draft (its answer may have been lost). */
  sendRequestedAt: Date | null;
  sentAt: Date | null;
  /** A reply created on the source message in the shared mailbox (sent from it), or null: system mail from EMO_EMAILADDR. */
  reply: OutboxReply | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OutboxReply {
  mailbox: string;
  /** The source message's Graph (immutable) id in that mailbox. */
  graphId: string;
  all: boolean;
}

export interface OutboxAttachment {
  position: number;
  name: string;
  contentType: string;
  size: number;
}

export interface OutboxEvent {
  at: Date;
  status: string;
  detail: string | null;
}

export function toOutboxEmail(r: Selectable<EmailOutboxRow>): OutboxEmail {
  return {
    id: r.id,
    status: r.status,
    to: r.to_recipients,
    cc: r.cc_recipients,
    bcc: r.bcc_recipients,
    replyTo: r.reply_to,
    subject: r.subject,
    html: r.body_html,
    text: r.body_text,
    templateCode: r.template_code,
    templateData: r.template_data,
    headers: r.headers,
    source: r.source,
    sourceRef: r.source_ref,
    taskId: r.task_id === null ? null : Number(r.task_id),
    idempotencyKey: r.idempotency_key,
    fromMailbox: r.from_mailbox,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    leaseUntil: r.lease_until,
    lastError: r.last_error,
    heldReason: r.held_reason,
    deadReason: r.dead_reason,
    draftId: r.draft_id,
    internetMessageId: r.internet_message_id,
    sendStartedAt: r.send_started_at,
    sendRequestedAt: r.send_requested_at,
    sentAt: r.sent_at,
    reply: r.reply_mailbox && r.reply_to_graph_id ? { mailbox: r.reply_mailbox, graphId: r.reply_to_graph_id, all: r.reply_all } : null,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  };
}

export interface NewOutboxEmail extends OutboxContent {
  reply?: OutboxReply;
  /** Bytes in the blob store (`blobSha256`), or — small ones from flows without a blob store — inline. */
  attachments: NewOutboxAttachment[];
}

export interface NewOutboxAttachment {
  name: string;
  contentType: string;
  size: number;
  blobSha256?: string;
  content?: Buffer;
}

/** Where an outbox attachment's bytes are: the blob store, or (rows from before migration 0019, small flows) the row. */
export interface OutboxAttachmentRef {
  name: string;
  contentType: string;
  size: number;
  blobSha256: string | null;
  content: Buffer | null;
}

/** Inserts the email (and its attachments) — or, when the idempotency key was used before, returns that email's id. */
export async function insertOutboxEmail(db: Db, e: NewOutboxEmail): Promise<{ id: string; created: boolean }> {
  const row = await db
    .insertInto('email_outbox')
    .values({
      to_recipients: JSON.stringify(e.to),
      cc_recipients: JSON.stringify(e.cc),
      bcc_recipients: JSON.stringify(e.bcc),
      reply_to: JSON.stringify(e.replyTo),
      subject: e.subject,
      body_html: e.html,
      body_text: e.text,
      template_code: e.templateCode,
      template_data: e.templateData ? JSON.stringify(e.templateData) : null,
      headers: JSON.stringify(e.headers),
      source: e.source,
      source_ref: e.sourceRef,
      task_id: e.taskId,
      idempotency_key: e.idempotencyKey,
      created_by: e.createdBy,
      reply_mailbox: e.reply?.mailbox.toLowerCase() ?? null,
      reply_to_graph_id: e.reply?.graphId ?? null,
      reply_all: e.reply?.all ?? false,
      next_attempt_at: sql<Date>`now()` as unknown as Date,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    const existing = await db.selectFrom('email_outbox').select('id').where('idempotency_key', '=', e.idempotencyKey).executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  }
  if (e.attachments.length) {
    await db
      .insertInto('email_outbox_attachments')
      .values(e.attachments.map((a, position) => ({ email_id: row.id, position, name: a.name, content_type: a.contentType, size: a.size, content: a.blobSha256 ? null : (a.content ?? Buffer.alloc(0)), blob_sha256: a.blobSha256 ?? null })))
      .execute();
  }
  await addEvent(db, row.id, 'queued', e.source === 'api' ? 'queued through the API' : `queued by ${e.source}`);
  return { id: row.id, created: true };
}

export async function addEvent(db: Db, emailId: string, status: string, detail: string | null): Promise<void> {
  await db.insertInto('email_outbox_events').values({ email_id: emailId, status, detail }).execute();
}

/** One email, if the viewer may see it (an email answering a task follows the task's visibility). */
export async function selectOutboxEmail(db: Db, id: string, viewer: Viewer): Promise<OutboxEmail | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = await db.selectFrom('email_outbox as e').selectAll('e').where('e.id', '=', id).where(taskRowVisibleTo(viewer, 'e.task_id')).executeTakeFirst();
  return r && toOutboxEmail(r);
}

export async function selectAttachmentInfo(db: Db, emailId: string): Promise<OutboxAttachment[]> {
  const rows = await db.selectFrom('email_outbox_attachments').select(['position', 'name', 'content_type', 'size']).where('email_id', '=', emailId).orderBy('position').execute();
  return rows.map((r) => ({ position: r.position, name: r.name, contentType: r.content_type, size: r.size }));
}

/** The attachments of an email to send: names and where their bytes are (blob contents are not read here). */
export async function selectAttachmentRefs(db: Db, emailId: string): Promise<OutboxAttachmentRef[]> {
  const rows = await db
    .selectFrom('email_outbox_attachments')
    .select(['name', 'content_type', 'size', 'blob_sha256', sql<Buffer | null>`case when blob_sha256 is null then content end`.as('content')])
    .where('email_id', '=', emailId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ name: r.name, contentType: r.content_type, size: r.size, blobSha256: r.blob_sha256, content: r.content }));
}

export async function selectEvents(db: Db, emailId: string): Promise<OutboxEvent[]> {
  const rows = await db.selectFrom('email_outbox_events').select(['at', 'status', 'detail']).where('email_id', '=', emailId).orderBy('id').execute();
  return rows;
}

export async function selectOutboxEmails(db: Db, viewer: Viewer, opts: { status?: OutboxStatus; limit: number; offset: number }): Promise<OutboxEmail[]> {
  let q = db.selectFrom('email_outbox as e').selectAll('e').where(taskRowVisibleTo(viewer, 'e.task_id')).orderBy('e.created_at', 'desc').orderBy('e.id').limit(opts.limit).offset(opts.offset);
  if (opts.status) q = q.where('e.status', '=', opts.status);
  return (await q.execute()).map(toOutboxEmail);
}

/** Emails per status that the viewer may see. */
export async function countByStatus(db: Db, viewer: Viewer): Promise<Record<OutboxStatus, number>> {
  const rows = await db.selectFrom('email_outbox as e').select(['e.status', db.fn.countAll<number>().as('n')]).where(taskRowVisibleTo(viewer, 'e.task_id')).groupBy('e.status').execute();
  const out = { queued: 0, held: 0, sending: 0, sent: 0, failed: 0, dead: 0 } as Record<OutboxStatus, number>;
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/**
 * Claims up to `limit` due emails for sending from `mailbox`, never more than `perMinute` started in
 * the last minute from that mailbox. Due = queued/failed whose time has come, or sending whose
 * lease ran out (the worker holding it died). Returns the claimed rows (status sending).
 */
export async function claimDueEmails(db: Db, opts: { mailbox: string; limit: number; perMinute: number; leaseMs: number }): Promise<(OutboxEmail & { triedBefore: boolean })[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`email_outbox:${opts.mailbox.toLowerCase()}`}))`.execute(trx);
    const recent = await trx
      .selectFrom('email_outbox')
      .select(trx.fn.countAll<number>().as('n'))
      .where('from_mailbox', '=', opts.mailbox.toLowerCase())
      .where('send_started_at', '>', sql<Date>`now() - interval '1 minute'`)
      .executeTakeFirstOrThrow();
    const room = Math.min(opts.limit, opts.perMinute - Number(recent.n));
    if (room <= 0) return [];
    const rows = await sql<Selectable<EmailOutboxRow> & { tried_before: boolean }>`
      with due as (
        select id, send_started_at as prev_started from email_outbox
        where (status in ('queued', 'failed') and next_attempt_at <= now())
           or (status = 'sending' and lease_until < now())
        order by next_attempt_at, created_at
        limit ${room}
        for update skip locked
      )
      update email_outbox e
         set status = 'sending', attempts = e.attempts + 1, lease_until = now() + ${`${opts.leaseMs} milliseconds`}::interval,
             send_started_at = now(), from_mailbox = coalesce(e.reply_mailbox, ${opts.mailbox.toLowerCase()}), updated_at = now()
        from due where e.id = due.id
      returning e.*, (due.prev_started is not null) as tried_before`.execute(trx);
    for (const r of rows.rows) await addEvent(trx, r.id, 'sending', `attempt ${r.attempts} from ${r.reply_mailbox ?? opts.mailbox}${r.reply_mailbox ? ' (a reply on the source message)' : ''}`);
    // tried_before: an earlier attempt (even before a replay) may have reached Graph.
    return rows.rows.map((r) => ({ ...toOutboxEmail(r), triedBefore: r.tried_before }));
  });
}

/** The earliest moment something will be due (for scheduling the next drain). */
export async function nextDueAt(db: Db): Promise<Date | undefined> {
  const r = await db
    .selectFrom('email_outbox')
    .select(sql<Date>`min(case when status = 'sending' then lease_until else next_attempt_at end)`.as('at'))
    .where('status', 'in', ['queued', 'failed', 'sending'])
    .executeTakeFirst();
  return r?.at ?? undefined;
}

type Claim = { id: string; attempts: number };

/** Applies a result only while the claim is still ours (same attempt, still sending). */
async function finish(db: Db, claim: Claim, set: Record<string, unknown>, event: [string, string | null]): Promise<boolean> {
  const res = await db
    .updateTable('email_outbox')
    .set({ ...set, updated_at: sql`now()` } as never)
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', claim.attempts)
    .executeTakeFirst();
  const ok = Number(res.numUpdatedRows) > 0;
  if (ok) await addEvent(db, claim.id, event[0], event[1]);
  return ok;
}

export const recordDraft = (db: Db, claim: Claim, draftId: string) =>
  db.updateTable('email_outbox').set({ draft_id: draftId }).where('id', '=', claim.id).where('attempts', '=', claim.attempts).execute();

export const recordSendRequested = (db: Db, claim: Claim) =>
  db.updateTable('email_outbox').set({ send_requested_at: sql`now()` } as never).where('id', '=', claim.id).where('attempts', '=', claim.attempts).execute();

export const markSent = (db: Db, claim: Claim, facts: { internetMessageId?: string; detail: string }) =>
  finish(db, claim, { status: 'sent', sent_at: sql`now()`, lease_until: null, last_error: null, internet_message_id: facts.internetMessageId ? facts.internetMessageId : sql`internet_message_id` }, ['sent', facts.detail]);

/** The draft's internetMessageId (a reply's: the resident's answer names it in In-Reply-To). */
export const recordInternetMessageId = (db: Db, claim: Claim, internetMessageId: string) =>
  db.updateTable('email_outbox').set({ internet_message_id: internetMessageId }).where('id', '=', claim.id).where('attempts', '=', claim.attempts).execute();

export const markFailed = (db: Db, claim: Claim, error: string, retryInMs: number) =>
  finish(db, claim, { status: 'failed', lease_until: null, last_error: error, next_attempt_at: sql`now() + ${`${retryInMs} milliseconds`}::interval` }, ['failed', `${error} — next attempt in ${Math.round(retryInMs / 1000)} s`]);

export const markDead = (db: Db, claim: Claim, reason: string) =>
  finish(db, claim, { status: 'dead', lease_until: null, last_error: reason, dead_reason: reason }, ['dead', reason]);

/** Flow switched off / unlicensed: waiting emails are held with the reason (kept current when it changes). */
export async function holdWaiting(db: Db, reason: string): Promise<number> {
  const rows = await db
    .updateTable('email_outbox')
    .set({ status: 'held', held_reason: reason, updated_at: sql`now()` } as never)
    .where((eb) => eb.or([eb('status', 'in', ['queued', 'failed']), eb.and([eb('status', '=', 'held'), eb('held_reason', 'is distinct from', reason)])]))
    .returning('id')
    .execute();
  for (const r of rows) await addEvent(db, r.id, 'held', reason);
  return rows.length;
}

export async function releaseHeld(db: Db): Promise<number> {
  const rows = await db
    .updateTable('email_outbox')
    .set({ status: 'queued', held_reason: null, next_attempt_at: sql`now()`, updated_at: sql`now()` } as never)
    .where('status', '=', 'held')
    .returning('id')
    .execute();
  for (const r of rows) await addEvent(db, r.id, 'queued', 'released: outbound email may run again');
  return rows.length;
}

/** Dead → queued, attempts reset. */
export async function requeueDead(db: Db, id: string, by: string): Promise<boolean> {
  const res = await db
    .updateTable('email_outbox')
    .set({ status: 'queued', attempts: 0, dead_reason: null, last_error: null, next_attempt_at: sql`now()`, updated_at: sql`now()` } as never)
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  const ok = Number(res.numUpdatedRows) > 0;
  if (ok) await addEvent(db, id, 'queued', `replayed by ${by}`);
  return ok;
}

/** The outbox emails of one task, oldest first (the task page's timeline; the caller checked the task is visible). */
export async function selectTaskOutbox(db: Db, taskId: number): Promise<OutboxEmail[]> {
  return (await db.selectFrom('email_outbox').selectAll().where('task_id', '=', taskId).orderBy('created_at').orderBy('id').execute()).map(toOutboxEmail);
}

/** Emails this mailbox began sending in the last minute (Exchange's 30-a-minute limit). */
export async function countSendsInLastMinute(db: Db, mailbox: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from email_outbox where from_mailbox = ${mailbox.toLowerCase()} and send_started_at > now() - interval '1 minute'`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** Keeps a claim alive while a long send runs: the lease moves on while this attempt still owns it. */
export async function extendLease(db: Db, claim: { id: OutboxEmail['id']; attempts: number }, leaseMs: number): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ lease_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', claim.attempts)
    .execute();
}
