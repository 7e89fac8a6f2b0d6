import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { Disposition } from '../../domain/inbound/classify.ts';

// Inbound emails and their attachments. One row per (inbox, immutable Graph id).

export interface EmailRecipient {
  address: string;
  name?: string;
}

export interface NewInboundEmail {
  inbox: string;
  mailbox: string;
  graphId: string;
  internetMessageId: string | null;
  conversationId: string | null;
  inReplyTo: string | null;
  references: string[];
  fromAddress: string | null;
  fromName: string | null;
  to: EmailRecipient[];
  cc: EmailRecipient[];
  subject: string;
  receivedAt: Date;
  bodyText: string | null;
  bodyHtml: string | null;
  importance: 'low' | 'normal' | 'high';
  disposition: Disposition;
  taskId: number | null;
}

export interface NewAttachment {
  name: string;
  kind: 'file' | 'inline' | 'item' | 'reference';
  declaredType: string | null;
  detectedType: string | null;
  size: number;
  contentId: string | null;
  blobSha256: string | null;
  linkUrl: string | null;
  rejectedReason: string | null;
}

export interface InboundEmail extends NewInboundEmail {
  id: number;
  createdAt: Date;
  /** Why it joined its case (app/inbound/thread-email.ts), and whether its sender was flagged. */
  threadReason: string | null;
  senderFlag: string | null;
}

export interface InboundAttachment extends NewAttachment {
  id: number;
  emailId: number;
}

/** Inserts unless (inbox, graph id) is already there; undefined means a duplicate. */
export async function insertInboundEmail(db: Db, e: NewInboundEmail): Promise<number | undefined> {
  const r = await db
    .insertInto('inbound_emails')
    .values({
      inbox: e.inbox,
      mailbox: e.mailbox,
      graph_id: e.graphId,
      internet_message_id: e.internetMessageId,
      conversation_id: e.conversationId,
      in_reply_to: e.inReplyTo,
      references: e.references,
      from_address: e.fromAddress,
      from_name: e.fromName,
      to_recipients: JSON.stringify(e.to),
      cc_recipients: JSON.stringify(e.cc),
      subject: e.subject,
      received_at: e.receivedAt,
      body_text: e.bodyText,
      body_html: e.bodyHtml,
      importance: e.importance,
      disposition: e.disposition,
      task_id: e.taskId,
    })
    .onConflict((oc) => oc.columns(['inbox', 'graph_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id;
}

export async function insertAttachments(db: Db, emailId: number, list: NewAttachment[]): Promise<void> {
  if (!list.length) return;
  await db
    .insertInto('inbound_attachments')
    .values(
      list.map((a) => ({
        email_id: emailId,
        name: a.name,
        kind: a.kind,
        declared_type: a.declaredType,
        detected_type: a.detectedType,
        size: a.size,
        content_id: a.contentId,
        blob_sha256: a.blobSha256,
        link_url: a.linkUrl,
        rejected_reason: a.rejectedReason,
      })),
    )
    .execute();
}

/** Same inbox, same internetMessageId, another Graph id: the cross-check for duplicates. */
export async function findByInternetMessageId(db: Db, inbox: string, internetMessageId: string): Promise<number | undefined> {
  return (await db.selectFrom('inbound_emails').select('id').where('inbox', '=', inbox).where('internet_message_id', '=', internetMessageId).executeTakeFirst())?.id;
}

export async function graphIdExists(db: Db, inbox: string, graphId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('inbound_emails').select('id').where('inbox', '=', inbox).where('graph_id', '=', graphId).executeTakeFirst());
}

/** Which of these Graph ids the inbox already has (one query per delta page). */
export async function storedGraphIds(db: Db, inbox: string, graphIds: string[]): Promise<Set<string>> {
  if (!graphIds.length) return new Set();
  const rows = await db.selectFrom('inbound_emails').select('graph_id').where('inbox', '=', inbox).where('graph_id', 'in', graphIds).execute();
  return new Set(rows.map((r) => r.graph_id));
}

const toEmail = (r: Awaited<ReturnType<typeof selectRows>>[number]): InboundEmail => ({
  id: r.id,
  inbox: r.inbox,
  mailbox: r.mailbox,
  graphId: r.graph_id,
  internetMessageId: r.internet_message_id,
  conversationId: r.conversation_id,
  inReplyTo: r.in_reply_to,
  references: r.references,
  fromAddress: r.from_address,
  fromName: r.from_name,
  to: r.to_recipients,
  cc: r.cc_recipients,
  subject: r.subject,
  receivedAt: r.received_at,
  bodyText: r.body_text,
  bodyHtml: r.body_html,
  importance: r.importance,
  disposition: r.disposition,
  taskId: r.task_id,
  createdAt: r.created_at,
  threadReason: r.thread_reason,
  senderFlag: r.sender_flag,
});

// Only its type is used: the row shape selectAll() gives.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
function selectRows(db: Db) {
  return db.selectFrom('inbound_emails').selectAll().execute();
}

/** The emails of a task, first to last (the one that raised it, then replies that joined it). */
export async function selectEmailsOfTask(db: Db, taskId: number, emailId: number | null): Promise<InboundEmail[]> {
  let q = db.selectFrom('inbound_emails').selectAll();
  q = emailId === null ? q.where('task_id', '=', taskId) : q.where((eb) => eb.or([eb('task_id', '=', taskId), eb('id', '=', emailId)]));
  return (await q.orderBy('received_at').orderBy('id').execute()).map(toEmail);
}

export async function selectEmail(db: Db, id: number): Promise<InboundEmail | undefined> {
  const r = await db.selectFrom('inbound_emails').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toEmail(r);
}

export async function selectAttachments(db: Db, emailIds: number[]): Promise<InboundAttachment[]> {
  if (!emailIds.length) return [];
  const rows = await db.selectFrom('inbound_attachments').selectAll().where('email_id', 'in', emailIds).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    emailId: r.email_id,
    name: r.name,
    kind: r.kind,
    declaredType: r.declared_type,
    detectedType: r.detected_type,
    size: r.size,
    contentId: r.content_id,
    blobSha256: r.blob_sha256,
    linkUrl: r.link_url,
    rejectedReason: r.rejected_reason,
  }));
}

export async function selectAttachment(db: Db, id: number): Promise<(InboundAttachment & { taskId: number | null }) | undefined> {
  const r = await db
    .selectFrom('inbound_attachments as a')
    .innerJoin('inbound_emails as e', 'e.id', 'a.email_id')
    .selectAll('a')
    .select(sql<number | null>`coalesce(e.task_id, (select t.id from tm_tasks t where t.email_id = e.id limit 1))`.as('task_id'))
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id, emailId: r.email_id, name: r.name, kind: r.kind, declaredType: r.declared_type, detectedType: r.detected_type, size: r.size,
    contentId: r.content_id, blobSha256: r.blob_sha256, linkUrl: r.link_url, rejectedReason: r.rejected_reason, taskId: r.task_id,
  };
}

export async function countEmails(db: Db, where: { inbox?: string } = {}): Promise<number> {
  let q = db.selectFrom('inbound_emails').select(sql<number>`count(*)::int`.as('n'));
  if (where.inbox) q = q.where('inbox', '=', where.inbox);
  return (await q.executeTakeFirstOrThrow()).n;
}

/** Row-locks emails (an event-query run raising their tasks) and returns what it needs. */
export async function lockEmails(db: Db, ids: number[]): Promise<Map<number, { id: number; subject: string; inbox: string; taskId: number | null }>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('inbound_emails').select(['id', 'subject', 'inbox', 'task_id']).where('id', 'in', ids).orderBy('id').forUpdate().execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, subject: r.subject, inbox: r.inbox, taskId: r.task_id }]));
}

export async function linkEmailsToTasks(db: Db, pairs: Array<{ emailId: number; taskId: number }>): Promise<void> {
  if (!pairs.length) return;
  await sql`UPDATE inbound_emails e SET task_id = v.t FROM unnest(${pairs.map((p) => p.emailId)}::bigint[], ${pairs.map((p) => p.taskId)}::bigint[]) AS v(e, t) WHERE e.id = v.e`.execute(db);
}
