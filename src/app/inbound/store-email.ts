import type { Readable } from 'node:stream';
import type { Db } from '../../adapters/db/database.ts';
import type { BlobStore } from '../../adapters/blobs/blob-store.ts';
import { findByInternetMessageId, insertAttachments, insertInboundEmail, type NewAttachment, type NewInboundEmail } from '../../adapters/db/inbound-emails.ts';
import { adoptEarlierReplies, findCase, joinCase } from './thread-email.ts';
import { fitFileName, HEAD_BYTES, judgeAttachment, judgeInlineImage } from '../../domain/inbound/attachment-policy.ts';
import { autoReplyReason, cleanText, htmlToText, threadingIds, type Disposition, type Header } from '../../domain/inbound/classify.ts';
import type { AttachmentInfo, InboxMessage, MailboxGateway } from '../ports/graph.ts';
import type { InboundPolicy } from './policy.ts';
import type { Logger } from '../../logger.ts';

// One inbound email: prepare (attachments streamed to the blob store, policy applied, the mail
// classified) outside any transaction, then store in the caller's transaction — the sync saves its
// delta cursor in that same transaction, so an email and the cursor past it commit together.

export interface FetchedAttachment {
  info: AttachmentInfo;
  /** Bytes (file: the file; item: the attached message's MIME); not called for reference attachments. */
  open(): Promise<Readable>;
}

/**
 * The message's attachments to read. Graph says `hasAttachments: false` for mail whose only parts
 * are inline images (https://learn.microsoft.com/graph/api/resources/message: "does not include
 * inline attachments"), so an HTML body that refers to a `cid:` part is listed too (issue 14 §8).
 */
export async function fetchedAttachments(g: MailboxGateway, mailbox: string, message: InboxMessage, alsoHasAttachments = false): Promise<FetchedAttachment[]> {
  const cid = message.body.kind === 'html' && /\bcid:/i.test(message.body.content);
  if (!message.hasAttachments && !alsoHasAttachments && !cid) return [];
  return (await g.listAttachments(mailbox, message.id)).map((info) => ({ info, open: () => g.openAttachment(mailbox, message.id, info.id) }));
}

/** Drops whatever the preparation staged and did not commit (a duplicate, a failed batch, an overrun). */
export async function discardPrepared(p: PreparedEmail): Promise<void> {
  for (const s of p.staged) await s.discard().catch(() => {});
}

export interface PreparedEmail {
  email: NewInboundEmail;
  attachments: NewAttachment[];
  autoReply: string | null;
  /** Blobs staged for saved attachments: committed before the row that points at them; discarded otherwise. */
  staged: Array<{ commit(): Promise<void>; discard(): Promise<void> }>;
}

export interface InboxRef {
  code: string;
  mailbox: string;
}

const MAX_SUBJECT = 2000;
const MAX_NAME = 255;

function oneLine(s: string | null | undefined, max: number): string {
  return (cleanText(s) ?? '').replace(/[\r\n\t]+/g, ' ').slice(0, max);
}

function attachmentName(info: AttachmentInfo): string {
  // Cut after cleaning and keeping the extension: cut first, a 1,000-character name loses its ".pdf".
  let name = fitFileName(oneLine(info.name, 100_000).replace(/[\\/]/g, '_').trim() || 'attachment', MAX_NAME);
  if (info.kind === 'item' && !/\.eml$/i.test(name)) name = fitFileName(`${name}.eml`, MAX_NAME);
  return name;
}

export async function prepareEmail(
  inbox: InboxRef,
  message: InboxMessage,
  attachments: FetchedAttachment[],
  deps: { blobs: BlobStore; policy: InboundPolicy; logger?: Logger },
): Promise<PreparedEmail> {
  const headers: Header[] = message.headers ?? [];
  const { inReplyTo, references } = threadingIds(headers);
  const from = message.from ?? message.sender;
  const fromAddress = from?.address ? oneLine(from.address, 320).toLowerCase() : null;
  const isOwn = Boolean(message.marker) || (fromAddress !== null && deps.policy.ownAddresses.includes(fromAddress));
  const autoReply = isOwn ? null : autoReplyReason(headers);
  const disposition: Disposition = isOwn ? 'own' : autoReply ? 'auto_reply' : 'new';
  const html = message.body.kind === 'html' ? cleanText(message.body.content) : null;
  const text = message.body.kind === 'text' ? cleanText(message.body.content) : html !== null ? htmlToText(html) : null;
  const recipients = (list: InboxMessage['to']) => list.slice(0, 500).map((r) => ({ address: oneLine(r.address, 320), ...(r.name ? { name: oneLine(r.name, 200) } : {}) }));

  const saved: NewAttachment[] = [];
  const staged: PreparedEmail['staged'] = [];
  try {
    await prepareAttachments(attachments, deps, saved, staged);
  } catch (err) {
    for (const s of staged) await s.discard().catch(() => {});
    throw err;
  }

  return {
    email: {
      inbox: inbox.code,
      mailbox: inbox.mailbox,
      graphId: message.id,
      internetMessageId: message.internetMessageId ? oneLine(message.internetMessageId, 1000) : null,
      conversationId: message.conversationId ? oneLine(message.conversationId, 1000) : null,
      inReplyTo,
      references,
      fromAddress,
      fromName: from?.name ? oneLine(from.name, 200) : null,
      to: recipients(message.to),
      cc: recipients(message.cc),
      subject: oneLine(message.subject, MAX_SUBJECT),
      receivedAt: message.receivedAt,
      bodyText: text,
      bodyHtml: html,
      importance: message.importance,
      disposition,
      taskId: null,
    },
    attachments: saved,
    autoReply,
    staged,
  };
}

async function prepareAttachments(attachments: FetchedAttachment[], deps: { blobs: BlobStore; policy: InboundPolicy }, saved: NewAttachment[], staged: PreparedEmail['staged']): Promise<void> {
  for (const a of attachments) {
    const name = attachmentName(a.info);
    const base = { name, kind: a.info.isInline && a.info.kind === 'file' ? ('inline' as const) : a.info.kind, declaredType: oneLine(a.info.contentType, 200) || null, contentId: a.info.contentId ? oneLine(a.info.contentId, 500) : null, linkUrl: null };
    if (a.info.kind === 'reference') {
      saved.push({ ...base, detectedType: null, size: a.info.size, blobSha256: null, rejectedReason: null });
      continue;
    }
    const blob = await deps.blobs.stage(await a.open(), { maxBytes: deps.policy.maxBytes, headBytes: HEAD_BYTES, detect: a.info.kind === 'file' });
    const verdict =
      a.info.kind === 'item'
        ? blob.tooLarge
          ? judgeAttachment({ name, size: blob.size, head: blob.head, tooLarge: true }, deps.policy)
          : ({ saved: true, type: 'EML' } as const)
        : base.kind === 'inline'
          ? judgeInlineImage({ size: blob.size, head: blob.head, tooLarge: blob.tooLarge, content: blob.content }, deps.policy.maxBytes)
          : judgeAttachment({ name, size: blob.size, head: blob.head, tooLarge: blob.tooLarge, content: blob.content }, deps.policy);
    if (verdict.saved) {
      staged.push(blob);
      saved.push({ ...base, detectedType: verdict.type, size: blob.size, blobSha256: blob.sha256, rejectedReason: null });
    } else {
      await blob.discard();
      // When we stopped reading at the limit, Graph's declared size says how big it really was.
      saved.push({ ...base, detectedType: verdict.detected ?? null, size: blob.tooLarge ? Math.max(a.info.size, blob.size) : blob.size, blobSha256: null, rejectedReason: verdict.reason });
    }
  }
}

export type StoreResult = { stored: true; id: number; disposition: Disposition; taskId: number | null } | { stored: false; duplicateOf: number | 'graph-id' };

/**
 * Stores a prepared email in `trx`: duplicates (same Graph id, or same internetMessageId) are skipped;
 * which case a reply joins is decided in thread-email.ts.
 */
export async function storePreparedEmail(trx: Db, p: PreparedEmail, at: Date): Promise<StoreResult> {
  const e = { ...p.email };
  if (e.internetMessageId) {
    const dup = await findByInternetMessageId(trx, e.inbox, e.internetMessageId);
    if (dup !== undefined) return { stored: false, duplicateOf: dup };
  }
  const match = e.disposition === 'new' ? await findCase(trx, e) : undefined;
  for (const s of p.staged) await s.commit();
  const id = await insertInboundEmail(trx, e);
  if (id === undefined) return { stored: false, duplicateOf: 'graph-id' };
  await insertAttachments(trx, id, p.attachments);
  let taskId: number | null = null;
  let rootId: number | null = null;
  if (match) {
    taskId = (await joinCase(trx, id, e, match, at)).taskId;
    rootId = match.rootId;
    e.disposition = 'threaded';
  }
  if (e.disposition === 'new' || e.disposition === 'threaded') await adoptEarlierReplies(trx, id, e, { taskId, rootId }, at);
  return { stored: true, id, disposition: e.disposition, taskId };
}
