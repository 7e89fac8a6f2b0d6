/**
 * MailboxGateway over Graph: drafts with our marker, attachments (budgeted on the encoded request;
 * upload sessions from 3 MB, resumed after a lost range — see attachment-plan.ts),
 * send, marker lookup, inbox delta, attachments as streams, read/move.
 * https://learn.microsoft.com/graph/api/user-post-messages, /message-send, /message-delta,
 * /graph/outlook-large-attachments
 */
import type { Readable } from 'node:stream';
import type * as MSGraph from '@microsoft/microsoft-graph-types';
import { attachmentBytes, attachmentRange, attachmentSize, type AttachmentInfo, type DeltaPage, type InboxChange, type InboxMessage, type MailboxGateway, type MarkedMessage, type OutgoingAttachment, type OutgoingMail } from '../../app/ports/graph.ts';
import { isGraphFailure } from '../../app/ports/graph-errors.ts';
import { nextExpectedStart, planAttachments, UPLOAD_CHUNK_BYTES, UPLOAD_SESSION_MIN_BYTES } from './attachment-plan.ts';
import { GraphPermanent, GraphTooLarge } from './errors.ts';
import { markerFilter, markerPropertyId, odataString, toAttachmentInfo, toGraphMessage, toInboxChange, toInboxMessage } from './mappers.ts';
import { allPages, deltaPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

/** Outlook's own ceiling for a message with attachments through upload sessions; the tenant's limit (35 MB by default) is usually lower. */
export const maxMessageBytes = 150 * 1024 * 1024;
export const uploadChunkBytes = UPLOAD_CHUNK_BYTES;
/** Tries per upload range after a network error or 5xx before the whole email is retried later. */
const rangeAttempts = 4;

// '@' stays bare: Graph takes UPNs in paths as they are, and its nextLinks keep them that way.
const seg = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
const messageSelect = 'id,internetMessageId,conversationId,subject,from,sender,toRecipients,ccRecipients,replyTo,receivedDateTime,sentDateTime,body,bodyPreview,hasAttachments,isRead,isDraft,importance,categories,parentFolderId';
const markerExpand = `singleValueExtendedProperties($filter=id eq ${odataString(markerPropertyId)})`;

export function createMailGateway(t: GraphTransport): Omit<MailboxGateway, 'createReplyDraft' | 'setCategories' | 'findInFolder'> {
  const user = (mailbox: string) => `/users/${seg(mailbox)}`;

  async function attachmentJson(a: OutgoingAttachment): Promise<Record<string, unknown>> {
    return {
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: a.name,
      contentType: a.contentType,
      contentBytes: (await attachmentBytes(a)).toString('base64'),
      ...(a.isInline ? { isInline: true } : {}),
      ...(a.contentId ? { contentId: a.contentId } : {}),
    };
  }

  async function addAttachment(mailbox: string, draftId: string, a: OutgoingAttachment): Promise<void> {
    const base = `${user(mailbox)}/messages/${seg(draftId)}/attachments`;
    const size = attachmentSize(a);
    if (size < UPLOAD_SESSION_MIN_BYTES) {
      await t.json({ method: 'POST', path: base, mailbox, body: await attachmentJson(a) });
      return;
    }
    if (size > maxMessageBytes) throw new GraphTooLarge(`attachment ${a.name} is ${size} bytes; Outlook takes at most 150 MB`, 'size');
    const session = await t.json<{ uploadUrl: string; nextExpectedRanges?: string[] }>({
      method: 'POST',
      path: `${base}/createUploadSession`,
      mailbox,
      body: { AttachmentItem: { attachmentType: 'file', name: a.name, size, contentType: a.contentType, ...(a.isInline ? { isInline: true, contentId: a.contentId } : {}) } },
    });
    const uploadUrl = session.body?.uploadUrl;
    if (!uploadUrl) throw new GraphPermanent('createUploadSession returned no uploadUrl', 'upload');
    await uploadRanges(mailbox, draftId, uploadUrl, a, size);
  }

  /**
   * PUTs the file a range at a time, each read from its source when it is sent. After a network error
   * or a 5xx the same range is offered again and the session's answer decides where to go on: a 416
   * names the byte it expects next (`nextExpectedRanges`: the lost PUT had arrived after all), so the
   * upload resumes there instead of failing for good — "this allows transfer to be resumed, in case
   * the network connection is dropped" (graph/api/attachment-createuploadsession). The uploadUrl is
   * pre-authenticated and must not carry our bearer token ("Do not specify an Authorization request
   * header", graph/outlook-large-attachments; Outlook answers 401 InvalidAudience when one is sent,
   * msgraph-sdk-java-core#445).
   */
  async function uploadRanges(mailbox: string, draftId: string, uploadUrl: string, a: OutgoingAttachment, total: number): Promise<void> {
    let from = 0;
    let tries = 0;
    let lostAnswer = false;
    // One buffer for every range: each PUT is answered before the next range is read into it.
    const scratch = Buffer.allocUnsafe(Math.min(total, uploadChunkBytes));
    while (from < total) {
      const to = Math.min(total, from + uploadChunkBytes) - 1;
      const bytes = await attachmentRange(a, from, to + 1, scratch);
      let res: { status: number; body: { nextExpectedRanges?: string[] } | undefined };
      try {
        res = await t.json({
          method: 'PUT',
          path: uploadUrl,
          mailbox,
          anonymous: true,
          // Not retried blindly by the transport: a repeat of a range that did arrive is answered 416, handled here.
          idempotent: false,
          acceptStatuses: [416],
          body: bytes,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${from}-${to}/${total}` },
        });
      } catch (err) {
        if (!isGraphFailure(err)) throw err;
        if (err.kind === 'not_found' && lostAnswer && to === total - 1 && (await hasAttachment(mailbox, draftId, a.name, total))) {
          // The last range had arrived (the session closed and made the attachment); only its answer was lost.
          return;
        }
        if (!err.retryable || ++tries >= rangeAttempts) throw err;
        lostAnswer = err.kind === 'transient';
        const waitMs = err.kind === 'throttled' ? ((err as { retryAfterMs?: number }).retryAfterMs ?? t.backoff(tries)) : t.backoff(tries);
        await new Promise((r) => setTimeout(r, waitMs));
        continue;
      }
      tries = 0;
      lostAnswer = false;
      if (res.status === 201) return;
      const next = nextExpectedStart(res.body?.nextExpectedRanges);
      if (res.status === 416) {
        if (next === undefined || next === from) throw new GraphPermanent(`upload of ${a.name} refused the range ${from}-${to} without saying which it expects`, 'InvalidRange', 416);
        from = next;
        continue;
      }
      from = next ?? to + 1;
    }
  }

  async function hasAttachment(mailbox: string, draftId: string, name: string, size: number): Promise<boolean> {
    const q = new URLSearchParams({ $select: 'id,name,size' });
    const res = await t.json<{ value?: { name?: string; size?: number }[] }>({ method: 'GET', path: `${user(mailbox)}/messages/${seg(draftId)}/attachments?${q}`, mailbox }).catch(() => undefined);
    return !!res?.body?.value?.some((x) => x.name === name && x.size === size);
  }

  return {
    async createDraft(mailbox: string, mail: OutgoingMail, marker: string) {
      const atts = mail.attachments ?? [];
      const total = atts.reduce((n, a) => n + attachmentSize(a), 0);
      if (total > maxMessageBytes) throw new GraphTooLarge(`attachments total ${total} bytes; Outlook takes at most 150 MB per message`, 'size');
      const message: Record<string, unknown> = { ...toGraphMessage(mail, marker) };
      // Budget on the encoded request: the message itself, then each attachment as base64 JSON.
      const routes = planAttachments(Buffer.byteLength(JSON.stringify(message)), atts.map((a) => ({ name: a.name, contentType: a.contentType, size: attachmentSize(a), contentId: a.contentId })));
      const inline = atts.filter((_, i) => routes[i] === 'draft');
      if (inline.length) message.attachments = await Promise.all(inline.map(attachmentJson));
      const res = await t.json<MSGraph.Message>({ method: 'POST', path: `${user(mailbox)}/messages`, mailbox, body: message });
      const id = res.body?.id;
      if (!id) throw new GraphPermanent('create draft returned no id', 'draft');
      // One at a time: a file's bytes are read just before they are sent.
      for (const [i, a] of atts.entries()) if (routes[i] !== 'draft') await addAttachment(mailbox, id, a);
      return { id };
    },

    addAttachment,

    async sendDraft(mailbox: string, draftId: string) {
      await t.json({ method: 'POST', path: `${user(mailbox)}/messages/${seg(draftId)}/send`, mailbox });
    },

    async findByMarker(mailbox: string, marker: string, preferId?: string): Promise<MarkedMessage | undefined> {
      const q = new URLSearchParams({ $filter: markerFilter(marker), $select: 'id,isDraft,internetMessageId', $top: '10' });
      const res = await t.json<{ value?: MSGraph.Message[] }>({ method: 'GET', path: `${user(mailbox)}/messages?${q}`, mailbox });
      const found = (res.body?.value ?? []).map((m) => ({ id: m.id!, isDraft: !!m.isDraft, internetMessageId: m.internetMessageId ?? undefined }));
      // The Sent Items copy wins: it proves the send happened even if a stale draft lingers; then the draft asked for.
      return found.find((m) => !m.isDraft) ?? found.find((m) => m.id === preferId) ?? found[0];
    },

    async sendMail(mailbox: string, mail: OutgoingMail, marker?: string) {
      const message: Record<string, unknown> = { ...toGraphMessage(mail, marker) };
      const atts = mail.attachments ?? [];
      // sendMail carries everything in one JSON request: it must fit the 4 MB cap encoded.
      const routes = planAttachments(Buffer.byteLength(JSON.stringify({ message, saveToSentItems: true })), atts.map((a) => ({ name: a.name, contentType: a.contentType, size: attachmentSize(a), contentId: a.contentId })));
      if (routes.some((r) => r !== 'draft')) {
        throw new GraphTooLarge('sendMail takes attachments only while the request stays under 4 MB encoded: use a draft (createDraft) instead', 'size');
      }
      if (atts.length) message.attachments = await Promise.all(atts.map(attachmentJson));
      await t.json({ method: 'POST', path: `${user(mailbox)}/sendMail`, mailbox, body: { message, saveToSentItems: true } });
    },

    async probeMessageSize(mailbox: string, bytes: number) {
      const draft = await t.json<MSGraph.Message>({ method: 'POST', path: `${user(mailbox)}/messages`, mailbox, body: { subject: 'housing365 doctor size check (deleted at once)', body: { contentType: 'text', content: '' } } });
      const id = draft.body?.id;
      if (!id) throw new GraphPermanent('create draft returned no id', 'draft');
      try {
        const s = await t.json<{ uploadUrl?: string }>({
          method: 'POST',
          path: `${user(mailbox)}/messages/${seg(id)}/attachments/createUploadSession`,
          mailbox,
          body: { AttachmentItem: { attachmentType: 'file', name: 'size-check.bin', size: Math.max(bytes, UPLOAD_SESSION_MIN_BYTES) } },
        });
        if (s.body?.uploadUrl) await t.json({ method: 'DELETE', path: s.body.uploadUrl, mailbox, anonymous: true }).catch(() => {});
        return 'accepted' as const;
      } catch (e) {
        if (isGraphFailure(e) && e.kind === 'too_large') return 'refused' as const;
        throw e;
      } finally {
        await t.json({ method: 'DELETE', path: `${user(mailbox)}/messages/${seg(id)}`, mailbox }).catch(() => {});
      }
    },

    async deleteMessage(mailbox: string, id: string) {
      await t.json({ method: 'DELETE', path: `${user(mailbox)}/messages/${seg(id)}`, mailbox });
    },

    messageDelta(mailbox: string, folder: string, cursor?: string, opts: { pageSize?: number } = {}): AsyncIterable<DeltaPage<InboxChange>> {
      const first = cursor ?? `${user(mailbox)}/mailFolders/${seg(folder)}/messages/delta?${new URLSearchParams({ $select: messageSelect, $expand: markerExpand })}`;
      return deltaPages<MSGraph.Message, InboxChange>(t, mailbox, first, toInboxChange, [`odata.maxpagesize=${opts.pageSize ?? 50}`]);
    },

    async getMessage(mailbox: string, id: string, opts: { includeHeaders?: boolean } = {}): Promise<InboxMessage> {
      const select = opts.includeHeaders ? `${messageSelect},internetMessageHeaders` : messageSelect;
      const q = new URLSearchParams({ $select: select, $expand: markerExpand });
      const res = await t.json<MSGraph.Message>({ method: 'GET', path: `${user(mailbox)}/messages/${seg(id)}?${q}`, mailbox });
      return toInboxMessage(res.body);
    },

    async *listRecentMessages(mailbox: string, folder: string, since: Date): AsyncIterable<InboxMessage> {
      const q = new URLSearchParams({ $filter: `receivedDateTime ge ${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}`, $select: messageSelect, $expand: markerExpand, $top: '50' });
      for await (const m of allPages<MSGraph.Message>(t, mailbox, `${user(mailbox)}/mailFolders/${seg(folder)}/messages?${q}`)) yield toInboxMessage(m);
    },

    getMessageMime(mailbox: string, id: string): Promise<Readable> {
      return t.stream({ method: 'GET', path: `${user(mailbox)}/messages/${seg(id)}/$value`, mailbox, headers: { accept: '*/*' } });
    },

    async listAttachments(mailbox: string, messageId: string): Promise<AttachmentInfo[]> {
      const out: AttachmentInfo[] = [];
      // contentId is a fileAttachment property: selected by type cast, or inline images cannot be matched to their cid: references.
      const q = new URLSearchParams({ $select: 'id,name,contentType,size,isInline,microsoft.graph.fileAttachment/contentId' });
      for await (const a of allPages<MSGraph.Attachment>(t, mailbox, `${user(mailbox)}/messages/${seg(messageId)}/attachments?${q}`)) out.push(toAttachmentInfo(a));
      return out;
    },

    openAttachment(mailbox: string, messageId: string, attachmentId: string): Promise<Readable> {
      return t.stream({ method: 'GET', path: `${user(mailbox)}/messages/${seg(messageId)}/attachments/${seg(attachmentId)}/$value`, mailbox, headers: { accept: '*/*' } });
    },

    async markRead(mailbox: string, id: string, isRead: boolean) {
      await t.json({ method: 'PATCH', path: `${user(mailbox)}/messages/${seg(id)}`, mailbox, body: { isRead } });
    },

    async moveMessage(mailbox: string, id: string, destinationFolder: string) {
      const res = await t.json<MSGraph.Message>({ method: 'POST', path: `${user(mailbox)}/messages/${seg(id)}/move`, mailbox, body: { destinationId: destinationFolder }, idempotent: true });
      return { id: res.body?.id ?? id };
    },

    async findFolder(mailbox: string, displayName: string) {
      const q = new URLSearchParams({ $filter: `displayName eq ${odataString(displayName)}`, $select: 'id,displayName' });
      const res = await t.json<{ value?: MSGraph.MailFolder[] }>({ method: 'GET', path: `${user(mailbox)}/mailFolders?${q}`, mailbox });
      const f = res.body?.value?.[0];
      return f?.id ? { id: f.id } : undefined;
    },

    async createFolder(mailbox: string, displayName: string) {
      const res = await t.json<MSGraph.MailFolder>({ method: 'POST', path: `${user(mailbox)}/mailFolders`, mailbox, body: { displayName } });
      return { id: res.body!.id! };
    },
  };
}
