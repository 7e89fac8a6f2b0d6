/**
 * Composing and sending from a mailbox: sending drafts, replies and forwards, and sendMail
 * (JSON or base64 MIME). https://learn.microsoft.com/graph/api/user-sendmail,
 * https://learn.microsoft.com/graph/api/message-createreply and siblings.
 */
import type { MessageState, RouteContext, RouteResult, UserState } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { newImmutableId, newInternetMessageId } from '../ids.ts';
import { findFolder } from '../state.ts';
import { applyPatch, messageOf } from './messages.ts';
import { parseMime } from './mime.ts';
import { checkSendAs, deliver, isoNow, outgoingFromJson, recipientsFrom, type Outgoing } from './send.ts';
import { addMessage, messageChanged } from './store.ts';
import { checkMessageSize } from './limits.ts';

export function outgoingFromDraft(core: Core, user: UserState, m: MessageState): Outgoing {
  const from = checkSendAs(user, m.from);
  if (!m.toRecipients.length && !m.ccRecipients.length && !m.bccRecipients.length) {
    throw new GraphError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
  }
  return {
    subject: m.subject, body: m.body, from, sender: from, toRecipients: m.toRecipients, ccRecipients: m.ccRecipients,
    bccRecipients: m.bccRecipients, replyTo: m.replyTo, importance: m.importance,
    internetMessageId: m.internetMessageId || newInternetMessageId(core.state.tenant.domain),
    customHeaders: (m.internetMessageHeaders ?? []).filter((h) => /^x-/i.test(h.name)), inReplyTo: m.inReplyTo, references: m.references ?? [], attachments: m.attachments,
  };
}

export type ReplyKind = 'reply' | 'replyAll' | 'forward';

function quoteOriginal(orig: MessageState, comment: string, asHtml: boolean): { contentType: 'text' | 'html'; content: string } {
  const from = orig.from?.emailAddress;
  const header = `From: ${from ? `${from.name ?? ''} <${from.address}>` : ''}\nSent: ${orig.sentDateTime ?? orig.receivedDateTime}\nTo: ${orig.toRecipients.map((r) => r.emailAddress.address).join('; ')}\nSubject: ${orig.subject}`;
  if (asHtml || orig.body.contentType === 'html') {
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const origHtml = orig.body.contentType === 'html' ? orig.body.content : `<pre>${esc(orig.body.content)}</pre>`;
    return { contentType: 'html', content: `<html><body><div>${esc(comment)}</div><hr><div>${esc(header).replace(/\n/g, '<br>')}</div>${origHtml}</body></html>` };
  }
  return { contentType: 'text', content: `${comment}\n\n________________________________\n${header}\n\n${orig.body.content}` };
}

/** createReply / createReplyAll / createForward: a draft in Drafts, threaded on the original
 *  (https://learn.microsoft.com/graph/api/message-createreply and siblings). */
export function createResponseDraft(core: Core, ctx: RouteContext, kind: ReplyKind): MessageState {
  const user = ctx.user!;
  const orig = messageOf(ctx);
  const b = (ctx.body ?? {}) as Record<string, any>;
  // "Specify either a comment or the body property of the message parameter. Specifying both will
  // return an HTTP 400 Bad Request error." (graph/api/message-createreply)
  if (b.comment !== undefined && b.message?.body !== undefined) throw new GraphError(400, 'ErrorInvalidRequest', 'A comment and a message body cannot both be given.');
  const self = new Set([user.mail.toLowerCase(), user.userPrincipalName.toLowerCase()]);
  const notSelf = (rs: MessageState['toRecipients']) => rs.filter((r) => !self.has(r.emailAddress.address.toLowerCase()));
  const sender = orig.replyTo.length ? orig.replyTo : orig.from ? [orig.from] : [];
  let to = kind === 'forward' ? [] : kind === 'reply' ? sender : [...sender, ...notSelf(orig.toRecipients)];
  let cc = kind === 'replyAll' ? notSelf(orig.ccRecipients) : [];
  if (b.toRecipients) to = recipientsFrom(b.toRecipients, 'toRecipients');
  if (b.message?.toRecipients) to = recipientsFrom(b.message.toRecipients, 'toRecipients');
  if (b.message?.ccRecipients) cc = recipientsFrom(b.message.ccRecipients, 'ccRecipients');
  const prefix = kind === 'forward' ? 'FW: ' : 'RE: ';
  const subject = orig.subject.toUpperCase().startsWith(prefix.trim()) ? orig.subject : prefix + orig.subject;
  const nowIso = isoNow(core);
  const me = { emailAddress: { name: user.displayName, address: user.mail } };
  const draft = addMessage(user, findFolder(user, 'drafts')!, {
    subject,
    body: quoteOriginal(orig, String(b.comment ?? ''), false),
    from: me, sender: me, toRecipients: to, ccRecipients: cc, isDraft: true, isRead: true,
    conversationId: orig.conversationId,
    attachments: kind === 'forward' ? orig.attachments.map((a) => ({ ...a, id: newImmutableId('attachment') })) : [],
    inReplyTo: orig.internetMessageId,
    references: [...(orig.references ?? []), orig.internetMessageId],
  }, nowIso, ctx.emit, core.state.tenant.domain);
  if (b.message && typeof b.message === 'object') {
    const { toRecipients: _t, ccRecipients: _c, ...rest } = b.message;
    applyPatch(core, ctx, draft, rest, true);
    messageChanged(user, draft, nowIso, ctx.emit);
  }
  return draft;
}

/** sendMail: JSON `{message, saveToSentItems}` or base64 MIME with `Content-Type: text/plain`. */
export async function handleSendMail(core: Core, ctx: RouteContext): Promise<RouteResult> {
  const user = ctx.user!;
  const ct = String(ctx.headers['content-type'] ?? '').toLowerCase();
  if (ct.startsWith('text/plain')) {
    const raw = Buffer.from(ctx.rawBody.toString('utf8').replace(/\s+/g, ''), 'base64');
    if (!raw.length) throw new GraphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
    const p = await parseMime(raw, isoNow(core));
    const from = checkSendAs(user, p.from);
    const recipients = [...p.toRecipients, ...p.ccRecipients, ...p.bccRecipients];
    if (!recipients.length) throw new GraphError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
    const o: Outgoing = {
      subject: p.subject, body: p.body, from, sender: from, toRecipients: p.toRecipients, ccRecipients: p.ccRecipients, bccRecipients: p.bccRecipients,
      replyTo: p.replyTo, importance: p.importance, internetMessageId: p.internetMessageId ?? newInternetMessageId(core.state.tenant.domain),
      customHeaders: [], mimeHeaders: p.internetMessageHeaders.filter((h) => h.name.toLowerCase() !== 'bcc'), inReplyTo: p.inReplyTo, references: p.references,
      attachments: p.attachments, mime: raw,
    };
    checkMessageSize(core, o);
    deliver(core, user, o, { saveToSentItems: true, via: 'graph' });
    return { status: 202 };
  }
  const b = ctx.body as Record<string, any> | undefined;
  if (!b || typeof b.message !== 'object' || b.message === null) throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
  const o = outgoingFromJson(core, user, b.message);
  checkMessageSize(core, o);
  deliver(core, user, o, { saveToSentItems: b.saveToSentItems === undefined ? true : String(b.saveToSentItems).toLowerCase() === 'true', via: 'graph' });
  return { status: 202 };
}

