/**
 * Delivery: Graph sendMail / send draft / SMTP door all end here. Tenant recipients get a copy in
 * their Inbox; outside addresses go to the outbound log; the sender gets a Sent Items copy.
 * https://learn.microsoft.com/graph/api/user-sendmail
 */
import type { AttachmentState, MessageState, OutgoingMessage, Recipient, UserState } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { newConversationId, newImmutableId, newInternetMessageId } from '../ids.ts';
import { findUserByAddress, wellKnownFolder } from '../state.ts';
import { addMessage, moveMessage, messageChanged } from './store.ts';

export function isoNow(core: Core): string {
  return core.clock.now().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function recipientsFrom(v: unknown, field: string): Recipient[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new GraphError(400, 'RequestBodyRead', `Invalid value for '${field}': expected a collection of recipients.`);
  return v.map((r) => {
    const addr = r?.emailAddress?.address;
    if (typeof addr !== 'string' || !addr.includes('@')) throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., A message can\'t be sent because it contains no recipients.');
    return { emailAddress: { name: typeof r.emailAddress.name === 'string' ? r.emailAddress.name : addr, address: addr } };
  });
}

export function attachmentsFromJson(list: unknown, nowIso: string): AttachmentState[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new GraphError(400, 'RequestBodyRead', "Invalid value for 'attachments'.");
  return list.map((a) => attachmentFromJson(a, nowIso));
}

export function attachmentFromJson(a: any, nowIso: string): AttachmentState {
  const type = String(a?.['@odata.type'] ?? '#microsoft.graph.fileAttachment').replace(/^#?microsoft\.graph\./, '');
  if (type === 'fileAttachment') {
    if (typeof a.contentBytes !== 'string') throw new GraphError(400, 'ErrorInvalidRequest', 'The attachment content (contentBytes) is missing.');
    const bytes = Buffer.from(a.contentBytes, 'base64');
    return {
      id: newImmutableId('attachment'),
      kind: 'file',
      name: String(a.name ?? 'attachment'),
      contentType: String(a.contentType ?? 'application/octet-stream'),
      size: bytes.length,
      isInline: !!a.isInline,
      contentId: typeof a.contentId === 'string' ? a.contentId : undefined,
      lastModifiedDateTime: nowIso,
      contentBytes: bytes.toString('base64'),
    };
  }
  if (type === 'itemAttachment') {
    const item = (a.item ?? {}) as Record<string, unknown>;
    return {
      id: newImmutableId('attachment'),
      kind: 'item',
      name: String(a.name ?? item.subject ?? 'Attached item'),
      contentType: 'message/rfc822',
      size: JSON.stringify(item).length,
      isInline: false,
      lastModifiedDateTime: nowIso,
      item,
    };
  }
  if (type === 'referenceAttachment') {
    return {
      id: newImmutableId('attachment'),
      kind: 'reference',
      name: String(a.name ?? 'link'),
      contentType: String(a.contentType ?? 'application/octet-stream'),
      size: 0,
      isInline: false,
      lastModifiedDateTime: nowIso,
      sourceUrl: typeof a.sourceUrl === 'string' ? a.sourceUrl : undefined,
    };
  }
  throw new GraphError(400, 'ErrorInvalidRequest', `Unsupported attachment type '${type}'.`);
}

/** Graph only lets clients set `x-` headers. */
export function customHeaders(v: unknown): { name: string; value: string }[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new GraphError(400, 'RequestBodyRead', "Invalid value for 'internetMessageHeaders'.");
  return v.map((h) => {
    const name = String(h?.name ?? '');
    if (!/^x-/i.test(name)) throw new GraphError(400, 'InvalidInternetMessageHeader', `The internet message header name '${name}' should start with 'x-' or 'X-'.`);
    return { name, value: String(h.value ?? '') };
  });
}

function findByInternetMessageId(user: UserState, ids: string[]): MessageState | undefined {
  if (!ids.length) return undefined;
  const set = new Set(ids);
  for (const m of Object.values(user.mailbox.messages)) if (set.has(m.internetMessageId)) return m;
  return undefined;
}

export interface Outgoing {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  /** Absent only for SMTP mail with neither a From header nor an envelope sender. */
  from?: Recipient;
  sender?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  importance: 'low' | 'normal' | 'high';
  internetMessageId: string;
  customHeaders: { name: string; value: string }[];
  /** Full header list when the message came as MIME. */
  mimeHeaders?: { name: string; value: string }[];
  inReplyTo?: string;
  references: string[];
  attachments: AttachmentState[];
  /** The source's bytes when the message came as MIME (SMTP door, MIME sendMail). */
  mime?: Buffer;
}

function copyAttachments(list: AttachmentState[]): AttachmentState[] {
  return list.map((a) => ({ ...a, id: newImmutableId('attachment') }));
}

function receivedHeaders(core: Core, o: Outgoing, nowIso: string): { name: string; value: string }[] {
  if (o.mimeHeaders) return [{ name: 'Received', value: `from localhost by graph-emulator; ${new Date(nowIso).toUTCString()}` }, ...o.mimeHeaders];
  const addr = (rs: Recipient[]) => rs.map((r) => `${r.emailAddress.name ?? ''} <${r.emailAddress.address}>`).join(', ');
  const h = [
    { name: 'Received', value: `from ${core.state.tenant.domain} by graph-emulator with HTTPS; ${new Date(nowIso).toUTCString()}` },
    ...(o.from ? [{ name: 'From', value: addr([o.from]) }] : []),
    { name: 'To', value: addr(o.toRecipients) },
    ...(o.ccRecipients.length ? [{ name: 'CC', value: addr(o.ccRecipients) }] : []),
    { name: 'Subject', value: o.subject },
    { name: 'Date', value: new Date(nowIso).toUTCString() },
    { name: 'Message-ID', value: o.internetMessageId },
    ...(o.inReplyTo ? [{ name: 'In-Reply-To', value: o.inReplyTo }] : []),
    ...(o.references.length ? [{ name: 'References', value: o.references.join(' ') }] : []),
    { name: 'Content-Type', value: o.attachments.length ? 'multipart/mixed' : o.body.contentType === 'html' ? 'text/html; charset="utf-8"' : 'text/plain; charset="utf-8"' },
    { name: 'MIME-Version', value: '1.0' },
    ...o.customHeaders,
  ];
  return h;
}

/**
 * Delivers `o` from `sender`. `sentCopy`: the draft being sent (moved to Sent Items) — otherwise a
 * new Sent Items copy is made when `saveToSentItems`.
 */
export function deliver(core: Core, sender: UserState | undefined, o: Outgoing, opts: { saveToSentItems: boolean; draft?: MessageState; via: 'graph' | 'smtp'; envelopeRecipients?: string[] }): void {
  const nowIso = isoNow(core);
  const emit = core.emit.bind(core);
  const domain = core.state.tenant.domain;
  const threadIds = [...(o.inReplyTo ? [o.inReplyTo] : []), ...o.references];
  let conversationId: string | undefined;

  if (sender) {
    conversationId = findByInternetMessageId(sender, threadIds)?.conversationId ?? newConversationId();
    if (opts.draft) {
      const d = opts.draft;
      d.isDraft = false;
      d.isRead = true;
      d.sentDateTime = nowIso;
      d.receivedDateTime = nowIso;
      d.conversationId = conversationId;
      d.internetMessageId = o.internetMessageId;
      if (opts.saveToSentItems) {
        moveMessage(sender, d, wellKnownFolder(sender, 'sentitems'), nowIso, emit);
        messageChanged(sender, d, nowIso, emit);
      } else {
        // Without a Sent Items copy the sent draft disappears from Drafts.
        moveMessage(sender, d, wellKnownFolder(sender, 'deleteditems'), nowIso, emit);
      }
    } else if (opts.saveToSentItems) {
      addMessage(sender, wellKnownFolder(sender, 'sentitems'), {
        subject: o.subject, body: o.body, from: o.from, sender: o.sender, toRecipients: o.toRecipients, ccRecipients: o.ccRecipients,
        bccRecipients: o.bccRecipients, replyTo: o.replyTo, importance: o.importance, internetMessageId: o.internetMessageId,
        conversationId, isRead: true, isDraft: false, sentDateTime: nowIso, receivedDateTime: nowIso, attachments: copyAttachments(o.attachments),
        mimeBase64: o.mime?.toString('base64'),
      }, nowIso, emit, domain);
    }
  }

  const targets = opts.envelopeRecipients ?? [...o.toRecipients, ...o.ccRecipients, ...o.bccRecipients].map((r) => r.emailAddress.address);
  const seen = new Set<string>();
  const outside: string[] = [];
  const headers = receivedHeaders(core, o, nowIso);
  for (const address of targets) {
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const rcpt = findUserByAddress(core.state, address);
    if (!rcpt) {
      outside.push(address);
      continue;
    }
    const conv = findByInternetMessageId(rcpt, threadIds)?.conversationId ?? conversationId ?? newConversationId();
    addMessage(rcpt, wellKnownFolder(rcpt, 'inbox'), {
      subject: o.subject, body: o.body, from: o.from, sender: o.sender, toRecipients: o.toRecipients, ccRecipients: o.ccRecipients,
      // Bcc is only visible to the sender.
      bccRecipients: [], replyTo: o.replyTo, importance: o.importance, internetMessageId: o.internetMessageId,
      conversationId: conv, isRead: false, isDraft: false, sentDateTime: nowIso, receivedDateTime: nowIso,
      internetMessageHeaders: headers, attachments: copyAttachments(o.attachments), mimeBase64: o.mime?.toString('base64'),
    }, nowIso, emit, domain);
  }
  if (outside.length) {
    core.state.outbound.push({
      at: nowIso,
      fromUserId: sender?.id ?? '',
      from: o.from?.emailAddress.address ?? '',
      to: outside,
      subject: o.subject,
      internetMessageId: o.internetMessageId,
      via: opts.via,
    });
    if (core.state.outbound.length > 10_000) core.state.outbound.splice(0, core.state.outbound.length - 10_000);
    core.markDirty();
  }
}

/** Checks `from` against the mailbox and its Send As grants. */
export function checkSendAs(sender: UserState, from: Recipient | undefined): Recipient {
  const own: Recipient = { emailAddress: { name: sender.displayName, address: sender.mail } };
  if (!from) return own;
  const a = from.emailAddress.address.toLowerCase();
  if (a === sender.mail.toLowerCase() || a === sender.userPrincipalName.toLowerCase()) return { emailAddress: { name: from.emailAddress.name ?? sender.displayName, address: from.emailAddress.address } };
  if ((sender.sendAs ?? []).some((s) => s.toLowerCase() === a)) return from;
  throw new GraphError(403, 'ErrorSendAsDenied', 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.');
}

export function outgoingFromJson(core: Core, sender: UserState, m: OutgoingMessage | Record<string, any>): Outgoing {
  const nowIso = isoNow(core);
  const from = checkSendAs(sender, m.from ? recipientsFrom([m.from], 'from')[0] : undefined);
  const to = recipientsFrom(m.toRecipients, 'toRecipients');
  const cc = recipientsFrom(m.ccRecipients, 'ccRecipients');
  const bcc = recipientsFrom(m.bccRecipients, 'bccRecipients');
  if (!to.length && !cc.length && !bcc.length) throw new GraphError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
  const ct = String(m.body?.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text';
  return {
    subject: String(m.subject ?? ''),
    body: { contentType: ct, content: String(m.body?.content ?? '') },
    from,
    sender: from,
    toRecipients: to,
    ccRecipients: cc,
    bccRecipients: bcc,
    replyTo: recipientsFrom(m.replyTo, 'replyTo'),
    importance: (['low', 'normal', 'high'].includes(String(m.importance).toLowerCase()) ? String(m.importance).toLowerCase() : 'normal') as Outgoing['importance'],
    internetMessageId: newInternetMessageId(core.state.tenant.domain),
    customHeaders: customHeaders(m.internetMessageHeaders),
    references: [],
    attachments: attachmentsFromJson(m.attachments, nowIso),
  };
}

export function sendMailInternal(core: Core, fromUserId: string, message: OutgoingMessage, opts: { saveToSentItems?: boolean } = {}): { internetMessageId: string } {
  const sender = core.state.users[fromUserId];
  if (!sender) throw new Error(`no user ${fromUserId}`);
  const o = outgoingFromJson(core, sender, message);
  deliver(core, sender, o, { saveToSentItems: opts.saveToSentItems ?? true, via: 'graph' });
  return { internetMessageId: o.internetMessageId };
}
