/**
 * MailboxGateway over Graph: drafts with our marker, attachments (upload sessions over 3 MB),
 * send, marker lookup, inbox delta, attachments as streams, read/move.
 * https://learn.microsoft.com/graph/api/user-post-messages, /message-send, /message-delta,
 * /graph/outlook-large-attachments
 */
import type { Readable } from 'node:stream';
import type * as MSGraph from '@microsoft/microsoft-graph-types';
import type { AttachmentInfo, DeltaPage, InboxChange, InboxMessage, MailboxGateway, MarkedMessage, OutgoingAttachment, OutgoingMail } from '../../app/ports/graph.ts';
import { GraphPermanent, GraphTooLarge } from './errors.ts';
import { markerFilter, markerPropertyId, odataString, toAttachmentInfo, toGraphMessage, toInboxChange, toInboxMessage } from './mappers.ts';
import { allPages, deltaPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

/** Graph's request cap is 4 MB; base64 grows bytes by 4/3, so 3 MB is the most one JSON attachment may be. */
export const inlineAttachmentLimit = 3 * 1024 * 1024;
/** Outlook's limit for a message with attachments through upload sessions. */
export const maxMessageBytes = 150 * 1024 * 1024;
/** Upload chunk: a multiple of 320 KiB, under the 4 MB per-request cap. */
export const uploadChunkBytes = 320 * 1024 * 9;

// '@' stays bare: Graph takes UPNs in paths as they are, and its nextLinks keep them that way.
const seg = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
const messageSelect = 'id,internetMessageId,conversationId,subject,from,sender,toRecipients,ccRecipients,replyTo,receivedDateTime,sentDateTime,body,bodyPreview,hasAttachments,isRead,isDraft,importance,categories,parentFolderId';
const markerExpand = `singleValueExtendedProperties($filter=id eq ${odataString(markerPropertyId)})`;

export function createMailGateway(t: GraphTransport): MailboxGateway {
  const user = (mailbox: string) => `/users/${seg(mailbox)}`;

  function attachmentJson(a: OutgoingAttachment): Record<string, unknown> {
    return {
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: a.name,
      contentType: a.contentType,
      contentBytes: a.content.toString('base64'),
      ...(a.isInline ? { isInline: true } : {}),
      ...(a.contentId ? { contentId: a.contentId } : {}),
    };
  }

  async function addAttachment(mailbox: string, draftId: string, a: OutgoingAttachment): Promise<void> {
    const base = `${user(mailbox)}/messages/${seg(draftId)}/attachments`;
    if (a.content.length <= inlineAttachmentLimit) {
      await t.json({ method: 'POST', path: base, mailbox, body: attachmentJson(a) });
      return;
    }
    if (a.content.length > maxMessageBytes) throw new GraphTooLarge(`attachment ${a.name} is ${a.content.length} bytes; Outlook takes at most 150 MB`, 'size');
    const session = await t.json<{ uploadUrl: string }>({
      method: 'POST',
      path: `${base}/createUploadSession`,
      mailbox,
      body: { AttachmentItem: { attachmentType: 'file', name: a.name, size: a.content.length, contentType: a.contentType, ...(a.isInline ? { isInline: true, contentId: a.contentId } : {}) } },
    });
    const uploadUrl = session.body?.uploadUrl;
    if (!uploadUrl) throw new GraphPermanent('createUploadSession returned no uploadUrl', 'upload');
    const total = a.content.length;
    for (let from = 0; from < total; from += uploadChunkBytes) {
      const to = Math.min(total, from + uploadChunkBytes) - 1;
      // The uploadUrl is pre-authenticated: sending our bearer token there is refused (and would leak it).
      await t.json({
        method: 'PUT',
        path: uploadUrl,
        mailbox,
        anonymous: true,
        body: a.content.subarray(from, to + 1),
        headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${from}-${to}/${total}` },
      });
    }
  }

  return {
    async createDraft(mailbox: string, mail: OutgoingMail, marker: string) {
      const atts = mail.attachments ?? [];
      const total = atts.reduce((n, a) => n + a.content.length, 0);
      if (total > maxMessageBytes) throw new GraphTooLarge(`attachments total ${total} bytes; Outlook takes at most 150 MB per message`, 'size');
      // Small attachments ride in the create request while the JSON stays under the 4 MB cap; the rest follow.
      const inline: OutgoingAttachment[] = [];
      const later: OutgoingAttachment[] = [];
      let budget = inlineAttachmentLimit;
      for (const a of atts) {
        if (a.content.length <= budget && a.content.length <= inlineAttachmentLimit) {
          inline.push(a);
          budget -= a.content.length;
        } else later.push(a);
      }
      const body: Record<string, unknown> = { ...toGraphMessage(mail, marker) };
      if (inline.length) body.attachments = inline.map(attachmentJson);
      const res = await t.json<MSGraph.Message>({ method: 'POST', path: `${user(mailbox)}/messages`, mailbox, body });
      const id = res.body?.id;
      if (!id) throw new GraphPermanent('create draft returned no id', 'draft');
      for (const a of later) await addAttachment(mailbox, id, a);
      return { id };
    },

    addAttachment,

    async sendDraft(mailbox: string, draftId: string) {
      await t.json({ method: 'POST', path: `${user(mailbox)}/messages/${seg(draftId)}/send`, mailbox });
    },

    async findByMarker(mailbox: string, marker: string): Promise<MarkedMessage | undefined> {
      const q = new URLSearchParams({ $filter: markerFilter(marker), $select: 'id,isDraft,internetMessageId', $top: '10' });
      const res = await t.json<{ value?: MSGraph.Message[] }>({ method: 'GET', path: `${user(mailbox)}/messages?${q}`, mailbox });
      const found = (res.body?.value ?? []).map((m) => ({ id: m.id!, isDraft: !!m.isDraft, internetMessageId: m.internetMessageId ?? undefined }));
      // The Sent Items copy wins: it proves the send happened even if a stale draft lingers.
      return found.find((m) => !m.isDraft) ?? found[0];
    },

    async sendMail(mailbox: string, mail: OutgoingMail, marker?: string) {
      const message: Record<string, unknown> = { ...toGraphMessage(mail, marker) };
      const atts = mail.attachments ?? [];
      if (atts.reduce((n, a) => n + a.content.length, 0) > inlineAttachmentLimit) {
        throw new GraphTooLarge('sendMail takes at most ~3 MB of attachments (4 MB request cap): use a draft with upload sessions', 'size');
      }
      if (atts.length) message.attachments = atts.map(attachmentJson);
      await t.json({ method: 'POST', path: `${user(mailbox)}/sendMail`, mailbox, body: { message, saveToSentItems: true } });
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

    getMessageMime(mailbox: string, id: string): Promise<Readable> {
      return t.stream({ method: 'GET', path: `${user(mailbox)}/messages/${seg(id)}/$value`, mailbox, headers: { accept: '*/*' } });
    },

    async listAttachments(mailbox: string, messageId: string): Promise<AttachmentInfo[]> {
      const out: AttachmentInfo[] = [];
      const q = new URLSearchParams({ $select: 'id,name,contentType,size,isInline' });
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
