/**
 * RFC 5322 in and out: parse inbound MIME (SMTP door, MIME sendMail) into a stored message, and
 * build MIME for `$value` of messages and itemAttachments.
 */
import { randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
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
      itemMime: isMessage ? content.toString('utf8') : undefined,
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

function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

function addressList(rs: Recipient[]): string {
  return rs.map((r) => (r.emailAddress.name && r.emailAddress.name !== r.emailAddress.address ? `${encodeWord(JSON.stringify(r.emailAddress.name))} <${r.emailAddress.address}>` : `<${r.emailAddress.address}>`)).join(', ');
}

function wrap76(b64: string): string {
  return b64.replace(/.{1,76}/g, '$&\r\n');
}

/** RFC 5322 source of a stored message (what Graph serves at `/messages/{id}/$value`). */
export function buildMime(m: Pick<MessageState, 'subject' | 'from' | 'toRecipients' | 'ccRecipients' | 'internetMessageId' | 'body' | 'attachments'> & { sentDateTime?: string; receivedDateTime?: string }, content?: AttachmentContentReader): string {
  if ((m as MessageState).mime) return (m as MessageState).mime!;
  const boundary = `_000_${randomBytes(12).toString('hex')}_`;
  const lines: string[] = [];
  if (m.from) lines.push(`From: ${addressList([m.from])}`);
  if (m.toRecipients.length) lines.push(`To: ${addressList(m.toRecipients)}`);
  if (m.ccRecipients.length) lines.push(`Cc: ${addressList(m.ccRecipients)}`);
  lines.push(`Subject: ${encodeWord(m.subject)}`);
  lines.push(`Date: ${new Date(m.sentDateTime ?? m.receivedDateTime ?? Date.now()).toUTCString().replace('GMT', '+0000')}`);
  lines.push(`Message-ID: ${m.internetMessageId}`);
  lines.push('MIME-Version: 1.0');
  const bodyType = m.body.contentType === 'html' ? 'text/html' : 'text/plain';
  const bodyPart = [`Content-Type: ${bodyType}; charset="utf-8"`, 'Content-Transfer-Encoding: base64', '', wrap76(Buffer.from(m.body.content, 'utf8').toString('base64'))].join('\r\n');
  if (!m.attachments.length) {
    return [...lines, bodyPart].join('\r\n');
  }
  lines.push(`Content-Type: multipart/mixed; boundary="${boundary}"`, '');
  const parts = [bodyPart];
  for (const a of m.attachments) {
    if (a.kind === 'reference') continue;
    const disposition = a.isInline ? 'inline' : 'attachment';
    if (a.kind === 'item') {
      parts.push([`Content-Type: message/rfc822`, `Content-Disposition: attachment; filename="${encodeWord(a.name)}"`, '', itemMime(a)].join('\r\n'));
      continue;
    }
    parts.push(
      [
        `Content-Type: ${a.contentType}; name="${encodeWord(a.name)}"`,
        `Content-Disposition: ${disposition}; filename="${encodeWord(a.name)}"; size=${a.size}`,
        ...(a.contentId ? [`Content-ID: <${a.contentId}>`] : []),
        'Content-Transfer-Encoding: base64',
        '',
        wrap76(content ? content.base64(a) : (a.contentBytes ?? '')),
      ].join('\r\n'),
    );
  }
  return [...lines, ...parts.map((p) => `--${boundary}\r\n${p}`), `--${boundary}--`, ''].join('\r\n');
}

/** MIME of an itemAttachment: stored source, or built from the attached item JSON. */
export function itemMime(a: AttachmentState): string {
  if (a.itemMime) return a.itemMime;
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
