/**
 * RFC 5322 in and out: parse inbound MIME (SMTP door, MIME sendMail) into a stored message, and
 * build MIME for `$value` of messages and itemAttachments. Sources are bytes end to end (Buffer in,
 * base64 in the state, Buffer out): 8-bit MIME is served exactly as it arrived.
 */
import { randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type Mail from 'nodemailer/lib/mailer/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { AttachmentContentReader, AttachmentState, MessageState, Recipient } from '../contracts.ts';
import { newImmutableId } from '../ids.ts';

export interface ParsedInbound {
  subject: string;
  from?: Recipient;
  sender?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  internetMessageId?: string;
  inReplyTo?: string;
  references: string[];
  sentDateTime?: string;
  body: { contentType: 'text' | 'html'; content: string };
  internetMessageHeaders: { name: string; value: string }[];
  attachments: AttachmentState[];
  importance: 'low' | 'normal' | 'high';
}

function recipients(a: AddressObject | AddressObject[] | undefined): Recipient[] {
  if (!a) return [];
  const list = Array.isArray(a) ? a : [a];
  const out: Recipient[] = [];
  const walk = (vals: { address?: string; name?: string; group?: { address?: string; name?: string }[] }[]) => {
    for (const v of vals) {
      if (v.group) walk(v.group);
      else if (v.address) out.push({ emailAddress: { name: v.name || v.address, address: v.address } });
    }
  };
  for (const o of list) walk(o.value ?? []);
  return out;
}

function importanceOf(p: ParsedMail): 'low' | 'normal' | 'high' {
  const h = String(p.headers.get('importance') ?? p.headers.get('x-priority') ?? '').toLowerCase();
  if (h.startsWith('high') || h.startsWith('1') || h.startsWith('2')) return 'high';
  if (h.startsWith('low') || h.startsWith('5') || h.startsWith('4')) return 'low';
  return 'normal';
}

export async function parseMime(raw: Buffer | string, nowIso: string): Promise<ParsedInbound> {
  const p = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const headers: { name: string; value: string }[] = [];
  for (const hl of p.headerLines ?? []) {
    const i = hl.line.indexOf(':');
    if (i <= 0) continue;
    headers.push({ name: hl.line.slice(0, i).trim(), value: hl.line.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim() });
  }
  const attachments: AttachmentState[] = (p.attachments ?? []).map((a) => {
    const isMessage = a.contentType === 'message/rfc822';
    const content = a.content ?? Buffer.alloc(0);
    const inline = a.contentDisposition === 'inline' || (!!a.related && !!a.contentId);
    return {
      id: newImmutableId('attachment'),
      kind: isMessage ? 'item' : 'file',
      name: a.filename ?? (isMessage ? 'Attached message' : 'attachment'),
      contentType: a.contentType || 'application/octet-stream',
      size: content.length,
      isInline: inline,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : undefined,
      lastModifiedDateTime: nowIso,
      contentBytes: isMessage ? undefined : content.toString('base64'),
      itemMimeBase64: isMessage ? content.toString('base64') : undefined,
    } satisfies AttachmentState;
  });
  const html = typeof p.html === 'string' ? p.html : undefined;
  const refs = p.references ? (Array.isArray(p.references) ? p.references : [p.references]) : [];
  const from = recipients(p.from)[0];
  const senderHeader = p.headers.get('sender') as AddressObject | undefined;
  return {
    subject: p.subject ?? '',
    from,
    sender: recipients(senderHeader)[0] ?? from,
    toRecipients: recipients(p.to),
    ccRecipients: recipients(p.cc),
    bccRecipients: recipients(p.bcc),
    replyTo: recipients(p.replyTo),
    internetMessageId: p.messageId,
    inReplyTo: p.inReplyTo,
    references: refs,
    sentDateTime: p.date && !Number.isNaN(p.date.getTime()) ? p.date.toISOString().replace(/\.\d+Z$/, 'Z') : undefined,
    body: html !== undefined ? { contentType: 'html', content: html } : { contentType: 'text', content: p.text ?? '' },
    internetMessageHeaders: headers,
    attachments,
    importance: importanceOf(p),
  };
}

/** The stored source's bytes: kept as base64 (the state file is JSON); older state kept UTF-8 text. */
export function storedMime(m: Pick<MessageState, 'mimeBase64' | 'mime'>): Buffer | undefined {
  if (m.mimeBase64 !== undefined) return Buffer.from(m.mimeBase64, 'base64');
  if (m.mime !== undefined) return Buffer.from(m.mime, 'utf8');
  return undefined;
}

function address(r: Recipient): { name: string; address: string } | string {
  return r.emailAddress.name && r.emailAddress.name !== r.emailAddress.address ? { name: r.emailAddress.name, address: r.emailAddress.address } : r.emailAddress.address;
}

type BuildSource = Pick<MessageState, 'subject' | 'from' | 'toRecipients' | 'ccRecipients' | 'internetMessageId' | 'body' | 'attachments'> & Partial<Pick<MessageState, 'mimeBase64' | 'mime'>> & { sentDateTime?: string; receivedDateTime?: string };

/**
 * RFC 5322 source of a stored message (what Graph serves at `/messages/{id}/$value`): the bytes it
 * arrived as when it came as MIME, else composed by nodemailer's MailComposer — RFC 2047 display
 * names and subjects, RFC 2231 file names, multipart/related for inline (cid:) parts. Attachment
 * bytes kept on disk are streamed from the file.
 */
export async function buildMime(m: BuildSource, content?: AttachmentContentReader): Promise<Buffer> {
  const stored = storedMime(m);
  if (stored) return stored;
  const attachments: NonNullable<Mail.Options['attachments']> = [];
  for (const a of m.attachments) {
    if (a.kind === 'reference') continue;
    if (a.kind === 'item') {
      attachments.push({ filename: a.name.endsWith('.eml') ? a.name : `${a.name}.eml`, contentType: 'message/rfc822', content: await itemMime(a) });
      continue;
    }
    const bytes = a.contentFile && content?.path ? { path: content.path(a) } : { content: Buffer.from(content ? content.base64(a) : (a.contentBytes ?? ''), 'base64') };
    attachments.push({ filename: a.name, contentType: a.contentType || 'application/octet-stream', contentDisposition: a.isInline ? 'inline' : 'attachment', ...(a.contentId ? { cid: a.contentId } : {}), ...bytes });
  }
  const mail = new MailComposer({
    ...(m.from ? { from: address(m.from) } : {}),
    ...(m.toRecipients.length ? { to: m.toRecipients.map(address) } : {}),
    ...(m.ccRecipients.length ? { cc: m.ccRecipients.map(address) } : {}),
    subject: m.subject,
    date: new Date(m.sentDateTime ?? m.receivedDateTime ?? Date.now()),
    messageId: m.internetMessageId,
    ...(m.body.contentType === 'html' ? { html: m.body.content } : { text: m.body.content }),
    attachments,
    // attachments on disk are read from their file (a path we set); never fetch a URL
    disableUrlAccess: true,
  });
  return mail.compile().build();
}

/** MIME of an itemAttachment: its stored source, or built from the attached item JSON. */
export async function itemMime(a: AttachmentState): Promise<Buffer> {
  if (a.itemMimeBase64 !== undefined) return Buffer.from(a.itemMimeBase64, 'base64');
  if (a.itemMime !== undefined) return Buffer.from(a.itemMime, 'utf8');
  const item = (a.item ?? {}) as Record<string, any>;
  return buildMime({
    subject: String(item.subject ?? a.name ?? ''),
    from: item.from,
    toRecipients: item.toRecipients ?? [],
    ccRecipients: item.ccRecipients ?? [],
    internetMessageId: item.internetMessageId ?? `<${randomBytes(8).toString('hex')}@item.attachment>`,
    body: { contentType: String(item.body?.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text', content: String(item.body?.content ?? '') },
    attachments: [],
    sentDateTime: item.sentDateTime,
  });
}
