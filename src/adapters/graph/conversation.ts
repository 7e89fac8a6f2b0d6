/**
 * The conversation calls over Graph: a reply created on the source message in the shared mailbox,
 * and the source message marked as handled (categories, move, a look-up after a lost move).
 *
 * createReply / createReplyAll (https://learn.microsoft.com/graph/api/message-createreply): Exchange
 * makes a draft in that mailbox's Drafts, From the mailbox, with the subject "RE: …", the recipients
 * of a reply, the quoted original, and the thread headers (In-Reply-To, References, Thread-Index,
 * conversationId) — which a client cannot set on a message it creates itself. "Specify either a
 * comment or the body property of the message parameter" (both: 400); "you can update the draft
 * later". So: createReply carrying only our marker (and x- headers, which Graph takes only when an
 * item is created), then PATCH subject, body (ours above the quoted original) and recipients, then
 * attachments, then the outbox sends it like any other marked draft — its copy lands in that
 * mailbox's Sent Items, where colleagues see it.
 */
import type * as MSGraph from '@microsoft/microsoft-graph-types';
import type { MailboxGateway, OutgoingMail } from '../../app/ports/graph.ts';
import { GraphPermanent } from './errors.ts';
import { markerPropertyId, toRecipient } from './mappers.ts';
import type { GraphTransport } from './transport.ts';

const seg = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Our text (or html) above the quoted original that Exchange put in the draft. */
export function replyBody(mail: Pick<OutgoingMail, 'html' | 'text'>, draftBody: { contentType?: string | null; content?: string | null } | null | undefined): string {
  const ours = mail.html ?? `<div style="white-space:pre-wrap">${esc(mail.text ?? '')}</div>`;
  const quoted = draftBody?.content ?? '';
  if (!quoted.trim()) return ours;
  const q = String(draftBody?.contentType ?? '').toLowerCase() === 'html' ? quoted : `<pre>${esc(quoted)}</pre>`;
  // Exchange's html draft is a whole document: put ours at the start of its body.
  const at = /<body[^>]*>/i.exec(q);
  return at ? `${q.slice(0, at.index + at[0].length)}${ours}${q.slice(at.index + at[0].length)}` : `${ours}${q}`;
}

export type ConversationGateway = Pick<MailboxGateway, 'createReplyDraft' | 'setCategories' | 'findInFolder'>;

export function createConversationGateway(t: GraphTransport, addAttachment: MailboxGateway['addAttachment']): ConversationGateway {
  const user = (mailbox: string) => `/users/${seg(mailbox)}`;
  return {
    async createReplyDraft(mailbox, sourceId, mail, marker, opts = {}) {
      const verb = opts.replyAll ? 'createReplyAll' : 'createReply';
      const message: MSGraph.Message = { singleValueExtendedProperties: [{ id: markerPropertyId, value: marker }] };
      const headers = (mail.headers ?? []).filter((h) => /^x-/i.test(h.name));
      if (headers.length) message.internetMessageHeaders = headers;
      const res = await t.json<MSGraph.Message>({ method: 'POST', path: `${user(mailbox)}/messages/${seg(sourceId)}/${verb}`, mailbox, body: { message } });
      const draft = res.body;
      if (!draft?.id) throw new GraphPermanent(`${verb} returned no draft`, 'draft');
      // The marker again: whether createReply's message parameter keeps an extended property is not documented.
      const patch: MSGraph.Message = { subject: mail.subject, body: { contentType: 'html', content: replyBody(mail, draft.body) }, singleValueExtendedProperties: [{ id: markerPropertyId, value: marker }] };
      if (mail.to.length) patch.toRecipients = mail.to.map(toRecipient);
      if (mail.cc?.length) patch.ccRecipients = mail.cc.map(toRecipient);
      if (mail.bcc?.length) patch.bccRecipients = mail.bcc.map(toRecipient);
      await t.json({ method: 'PATCH', path: `${user(mailbox)}/messages/${seg(draft.id)}`, mailbox, body: patch });
      for (const a of mail.attachments ?? []) await addAttachment(mailbox, draft.id, a);
      return { id: draft.id, internetMessageId: draft.internetMessageId ?? undefined };
    },

    async setCategories(mailbox, id, categories) {
      await t.json({ method: 'PATCH', path: `${user(mailbox)}/messages/${seg(id)}`, mailbox, body: { categories } });
    },

    async findInFolder(mailbox, folderId, internetMessageId) {
      const q = new URLSearchParams({ $filter: `internetMessageId eq '${internetMessageId.replace(/'/g, "''")}'`, $select: 'id,categories,parentFolderId', $top: '5' });
      const res = await t.json<{ value?: MSGraph.Message[] }>({ method: 'GET', path: `${user(mailbox)}/mailFolders/${seg(folderId)}/messages?${q}`, mailbox });
      const m = res.body?.value?.[0];
      return m?.id ? { id: m.id, categories: m.categories ?? [] } : undefined;
    },
  };
}
