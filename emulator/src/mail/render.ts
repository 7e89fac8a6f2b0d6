/**
 * Graph JSON for stored mail items (https://learn.microsoft.com/graph/api/resources/message).
 */
import { htmlToOneLine, htmlToText } from './html-text.ts';
import type { AttachmentContentReader, AttachmentState, MailFolderState, MessageState, UserState } from '../contracts.ts';

export function messageId(msg: MessageState, immutable: boolean): string {
  return immutable ? msg.immutableId : msg.regularId;
}

const previews = new WeakMap<MessageState, { key: string; text: string }>();

/** First 255 characters of the body as text; cached per changeKey (delta pages render it a lot). */
export function bodyPreview(msg: MessageState): string {
  const hit = previews.get(msg);
  if (hit && hit.key === msg.changeKey) return hit.text;
  const text = (msg.body.contentType === 'html' ? htmlToOneLine(msg.body.content) : msg.body.content.replace(/\s+/g, ' ').trim()).slice(0, 255);
  previews.set(msg, { key: msg.changeKey, text });
  return text;
}

/** Properties a plain GET returns (Graph omits internetMessageHeaders, extended properties and
 *  attachments unless selected/expanded). */
const defaultProps = [
  'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'categories', 'receivedDateTime', 'sentDateTime',
  'hasAttachments', 'internetMessageId', 'subject', 'bodyPreview', 'importance', 'parentFolderId',
  'conversationId', 'conversationIndex', 'isDeliveryReceiptRequested', 'isReadReceiptRequested', 'isRead', 'isDraft',
  'webLink', 'inferenceClassification', 'body', 'sender', 'from', 'toRecipients', 'ccRecipients', 'bccRecipients',
  'replyTo', 'flag',
];

export const messagePropertyNames = new Set([...defaultProps, 'id', 'internetMessageHeaders', 'uniqueBody', 'singleValueExtendedProperties', 'attachments']);

export interface RenderOptions {
  immutable: boolean;
  select?: string[];
  /** Prefer: outlook.body-content-type="text" */
  bodyType?: 'text' | 'html';
  expandAttachments?: boolean;
  /** ids of singleValueExtendedProperties asked for with $expand */
  expandExtendedIds?: string[] | 'all';
  /** Reads file attachments kept on disk, for expanded `contentBytes`. */
  content?: AttachmentContentReader;
}

function property(msg: MessageState, name: string, o: RenderOptions): unknown {
  switch (name) {
    case 'changeKey': return msg.changeKey;
    case 'createdDateTime': return msg.createdDateTime;
    case 'lastModifiedDateTime': return msg.lastModifiedDateTime;
    case 'categories': return msg.categories;
    case 'receivedDateTime': return msg.receivedDateTime;
    case 'sentDateTime': return msg.sentDateTime ?? null;
    case 'hasAttachments': return msg.attachments.some((a) => !a.isInline);
    case 'internetMessageId': return msg.internetMessageId;
    case 'subject': return msg.subject;
    case 'bodyPreview': return bodyPreview(msg);
    case 'importance': return msg.importance;
    case 'parentFolderId': return msg.folderId;
    case 'conversationId': return msg.conversationId;
    case 'conversationIndex': return msg.conversationIndex ?? null;
    case 'isDeliveryReceiptRequested': return false;
    case 'isReadReceiptRequested': return false;
    case 'isRead': return msg.isRead;
    case 'isDraft': return msg.isDraft;
    case 'webLink': return `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(msg.immutableId)}&exvsurl=1&viewmodel=ReadMessageItem`;
    case 'inferenceClassification': return msg.inferenceClassification;
    case 'body':
    case 'uniqueBody':
      if (o.bodyType === 'text' && msg.body.contentType === 'html') return { contentType: 'text', content: htmlToText(msg.body.content) };
      return { contentType: msg.body.contentType, content: msg.body.content };
    case 'sender': return msg.sender ?? null;
    case 'from': return msg.from ?? null;
    case 'toRecipients': return msg.toRecipients;
    case 'ccRecipients': return msg.ccRecipients;
    case 'bccRecipients': return msg.bccRecipients;
    case 'replyTo': return msg.replyTo;
    case 'flag': return msg.flag;
    case 'internetMessageHeaders': return msg.internetMessageHeaders ?? [];
    case 'singleValueExtendedProperties': return msg.singleValueExtendedProperties ?? [];
    case 'attachments': return msg.attachments.map((a) => renderAttachment(a, false));
    default: return undefined;
  }
}

const viewNames = new Set([...messagePropertyNames].filter((n) => n !== 'attachments'));

/**
 * A lazy Graph-JSON view of messages for `$filter`/`$orderby`: properties are computed when read,
 * so filtering a big folder does not render every message (only the page is rendered). One proxy
 * is reused: `view(msg)` points it at `msg`, valid until the next call (filters and comparators
 * read it synchronously).
 */
export function messageViewer(immutable: boolean): (msg: MessageState) => Record<string, unknown> {
  const o: RenderOptions = { immutable };
  let current: MessageState;
  const get = (name: string) => (name === 'id' ? messageId(current, immutable) : property(current, name, o));
  const proxy = new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => (typeof k === 'string' ? get(k) : undefined),
    has: (_t, k) => typeof k === 'string' && viewNames.has(k),
    ownKeys: () => [...viewNames],
    getOwnPropertyDescriptor: (_t, k) => (typeof k === 'string' && viewNames.has(k) ? { configurable: true, enumerable: true, writable: false, value: get(k) } : undefined),
  });
  return (msg) => {
    current = msg;
    return proxy;
  };
}

export function renderMessage(msg: MessageState, o: RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': `W/"${msg.changeKey}"`, id: messageId(msg, o.immutable) };
  const names = o.select && o.select.length ? o.select : defaultProps;
  for (const n of names) {
    if (n === 'id') continue;
    const v = property(msg, n, o);
    if (v !== undefined) out[n] = v;
  }
  if (o.expandAttachments) out.attachments = msg.attachments.map((a) => renderAttachment(a, true, o.content));
  if (o.expandExtendedIds) {
    const props = msg.singleValueExtendedProperties ?? [];
    const wanted = o.expandExtendedIds;
    const list = wanted === 'all' ? props : props.filter((p) => wanted.some((w) => w.toLowerCase() === p.id.toLowerCase()));
    // Graph omits the property when none of the asked-for extended properties is set.
    if (list.length) out.singleValueExtendedProperties = list;
  }
  return out;
}

/** `content` reads bytes kept on disk (`contentFile`); without it such an attachment renders `contentBytes: ""`. */
export function renderAttachment(a: AttachmentState, withContent = true, content?: AttachmentContentReader): Record<string, unknown> {
  const base: Record<string, unknown> = {
    '@odata.type': a.kind === 'file' ? '#microsoft.graph.fileAttachment' : a.kind === 'item' ? '#microsoft.graph.itemAttachment' : '#microsoft.graph.referenceAttachment',
    '@odata.mediaContentType': a.contentType,
    id: a.id,
    lastModifiedDateTime: a.lastModifiedDateTime,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
  };
  if (a.kind === 'file') {
    base.contentId = a.contentId ?? null;
    base.contentLocation = null;
    if (withContent) base.contentBytes = a.contentFile ? (content?.base64(a) ?? '') : (a.contentBytes ?? '');
  }
  if (a.kind === 'reference') {
    base.sourceUrl = a.sourceUrl ?? null;
  }
  if (a.kind !== 'file') delete base['@odata.mediaContentType'];
  return base;
}

export function renderFolder(f: MailFolderState, user: UserState): Record<string, unknown> {
  let total = 0, unread = 0;
  for (const m of Object.values(user.mailbox.messages)) {
    if (m.folderId !== f.id) continue;
    total++;
    if (!m.isRead) unread++;
  }
  const children = Object.values(user.mailbox.folders).filter((c) => c.parentFolderId === f.id).length;
  return {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentFolderId,
    childFolderCount: children,
    unreadItemCount: unread,
    totalItemCount: total,
    sizeInBytes: 0,
    isHidden: f.isHidden ?? false,
  };
}

export function renderUser(u: UserState): Record<string, unknown> {
  return {
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName ?? null,
    jobTitle: u.jobTitle ?? null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname ?? null,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
  };
}

/** `$select` list, or undefined. */
export function parseSelect(q: URLSearchParams): string[] | undefined {
  const s = q.get('$select');
  if (!s) return undefined;
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

/** Encodes a decoded path for links, keeping the characters Graph leaves bare (`@ $ : ( ) ' = ,`);
 *  the Graph SDK re-encodes `%` in links it follows, so `%40` would become `%2540`. */
export function encodePath(p: string): string {
  return p.split('/').map((s) => encodeURIComponent(s).replace(/%(40|24|3A|28|29|27|3D|2C)/gi, (m) => decodeURIComponent(m))).join('/');
}

/** `$expand=attachments,singleValueExtendedProperties($filter=id eq '…')` */
export function expandOptions(q: URLSearchParams): { attachments: boolean; ext?: string[] | 'all' } {
  const e = q.get('$expand');
  if (!e) return { attachments: false };
  const attachments = /(^|,)\s*attachments\s*(,|$|\()/i.test(e);
  const m = /singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*(.*?)\))?(?:,|$)/i.exec(e);
  let ext: string[] | 'all' | undefined;
  if (m) {
    if (!m[1]) ext = 'all';
    else ext = [...m[1].matchAll(/id\s+eq\s+'((?:[^']|'')*)'/gi)].map((x) => x[1].replace(/''/g, "'"));
  }
  return { attachments, ext };
}

