/**
 * Users, mail folders, messages, attachments, sendMail, drafts and upload sessions.
 * Paths and shapes: https://learn.microsoft.com/graph/api/resources/mail-api-overview
 */
import type { MailFolderState, MessageState, RouteContext, RouteDef, RouteResult, UserState } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { compileFilter, compileOrderBy } from '../odata.ts';
import { findFolder, newFolder } from '../state.ts';
import { messageDelta } from './delta.ts';
import { buildMime, itemMime, parseMime } from './mime.ts';
import { encodePath, parseSelect, renderAttachment, renderFolder, renderMessage, renderUser, messagePropertyNames } from './render.ts';
import { attachmentFromJson, attachmentsFromJson, checkSendAs, customHeaders, deliver, isoNow, outgoingFromJson, recipientsFrom, type Outgoing } from './send.ts';
import { addMessage, deleteMessage, findMessage, messageChanged, moveMessage, purgeMessage } from './store.ts';
import { cancelUpload, createUploadSession, putChunk } from './upload.ts';
import { newImmutableId, newInternetMessageId } from '../ids.ts';

const readUsers = ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const readMail = ['Mail.ReadBasic.All', 'Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'];
const writeMail = ['Mail.ReadWrite'];
const sendMail = ['Mail.Send'];

const notFound = () => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

function folderOf(ctx: RouteContext): MailFolderState {
  const f = findFolder(ctx.user!, ctx.params.folder);
  if (!f) throw notFound();
  return f;
}

function messageOf(ctx: RouteContext): MessageState {
  const m = findMessage(ctx.user!, ctx.params.id);
  if (!m) throw notFound();
  if (ctx.params.folder !== undefined && m.folderId !== folderOf(ctx).id) throw notFound();
  return m;
}

function idsApplied(ctx: RouteContext): void {
  if (ctx.preferImmutableIds) ctx.applyPreference('IdType="ImmutableId"');
}

function bodyTypePref(ctx: RouteContext): 'text' | 'html' | undefined {
  const v = ctx.prefer.get('outlook.body-content-type')?.toLowerCase();
  if (v === 'text' || v === 'html') {
    ctx.applyPreference(`outlook.body-content-type="${v}"`);
    return v;
  }
  return undefined;
}

/** `$expand=attachments,singleValueExtendedProperties($filter=id eq '…')` */
function expandOptions(q: URLSearchParams): { attachments: boolean; ext?: string[] | 'all' } {
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

function render(ctx: RouteContext, m: MessageState, select?: string[]): Record<string, unknown> {
  const ex = expandOptions(ctx.query);
  if (select) {
    for (const s of select) {
      if (!messagePropertyNames.has(s)) throw new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${s}' on type 'microsoft.graph.message'.`);
    }
  }
  return renderMessage(m, { immutable: ctx.preferImmutableIds, select, bodyType: bodyTypePref(ctx), expandAttachments: ex.attachments, expandExtendedIds: ex.ext });
}


function listMessages(ctx: RouteContext, folder?: MailFolderState): RouteResult {
  const user = ctx.user!;
  const q = ctx.query;
  const select = parseSelect(q);
  const top = q.get('$top') ? Number(q.get('$top')) : 10;
  const skip = q.get('$skip') ? Number(q.get('$skip')) : 0;
  if (!Number.isInteger(top) || top < 0 || top > 1000) throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The value of $top must be between 0 and 1000.');
  if (!Number.isInteger(skip) || skip < 0) throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The value of $skip is invalid.');
  const filter = compileFilter(q.get('$filter'));
  const order = compileOrderBy(q.get('$orderby') ?? 'receivedDateTime desc');
  let items: MessageState[] = Object.values(user.mailbox.messages).filter((m) => (folder ? m.folderId === folder.id : !user.mailbox.folders[m.folderId]?.isHidden));
  let views = items.map((m) => ({ m, v: renderMessage(m, { immutable: ctx.preferImmutableIds, select: filter || order ? undefined : ['receivedDateTime'], expandExtendedIds: 'all' }) }));
  if (filter) views = views.filter((x) => filter({ ...x.v, singleValueExtendedProperties: x.m.singleValueExtendedProperties ?? [] }));
  if (order) views.sort((a, b) => order(a.v, b.v));
  const page = views.slice(skip, skip + top);
  idsApplied(ctx);
  const body: Record<string, unknown> = { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/${folder ? 'mailFolders(\'' + encodePath(ctx.params.folder) + '\')/' : ''}messages${select ? `(${select.join(',')})` : ''}` };
  body.value = page.map((x) => render(ctx, x.m, select));
  if (skip + top < views.length) {
    const next = new URLSearchParams(q);
    next.set('$skip', String(skip + top));
    next.set('$top', String(top));
    body['@odata.nextLink'] = `${ctx.graphBaseUrl}${encodePath(ctx.path)}?${next.toString().replace(/%24/g, '$')}`;
  }
  return { status: 200, body };
}

const updatableAlways = new Set(['isRead', 'categories', 'flag', 'importance', 'inferenceClassification', 'singleValueExtendedProperties', 'isDeliveryReceiptRequested', 'isReadReceiptRequested']);
const updatableDraft = new Set(['subject', 'body', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'from', 'sender', 'internetMessageHeaders', 'internetMessageId']);

export function mergeExtendedProperties(current: { id: string; value: string }[] | undefined, v: unknown): { id: string; value: string }[] {
  if (!Array.isArray(v)) throw new GraphError(400, 'RequestBodyRead', "Invalid value for 'singleValueExtendedProperties'.");
  const out = [...(current ?? [])];
  for (const p of v) {
    if (typeof p?.id !== 'string' || p.value === undefined) throw new GraphError(400, 'ErrorInvalidExtendedPropertyValue', 'Each extended property needs an id and a value.');
    const i = out.findIndex((x) => x.id.toLowerCase() === p.id.toLowerCase());
    if (i >= 0) out[i] = { id: out[i].id, value: String(p.value) };
    else out.push({ id: p.id, value: String(p.value) });
  }
  return out;
}

function applyPatch(core: Core, ctx: RouteContext, m: MessageState, b: Record<string, any>, creating: boolean): void {
  for (const [k, v] of Object.entries(b)) {
    if (k.startsWith('@odata')) continue;
    if (!updatableAlways.has(k) && !updatableDraft.has(k) && k !== 'attachments') {
      if (messagePropertyNames.has(k) || k === 'id') throw new GraphError(400, 'ErrorInvalidPropertyUpdateSentMessage', `The property '${k}' can't be updated.`);
      throw new GraphError(400, 'RequestBodyRead', `The property '${k}' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
    }
    if (updatableDraft.has(k) && !m.isDraft && !creating) throw new GraphError(400, 'ErrorInvalidPropertyUpdateSentMessage', 'Update operation is not supported for this property on a sent message.');
    switch (k) {
      case 'isRead': m.isRead = !!v; break;
      case 'categories': m.categories = Array.isArray(v) ? v.map(String) : []; break;
      case 'flag': m.flag = { flagStatus: v?.flagStatus ?? 'notFlagged' }; break;
      case 'importance': m.importance = ['low', 'normal', 'high'].includes(String(v).toLowerCase()) ? (String(v).toLowerCase() as MessageState['importance']) : 'normal'; break;
      case 'inferenceClassification': m.inferenceClassification = v === 'other' ? 'other' : 'focused'; break;
      case 'singleValueExtendedProperties': m.singleValueExtendedProperties = mergeExtendedProperties(m.singleValueExtendedProperties, v); break;
      case 'subject': m.subject = String(v ?? ''); break;
      case 'body': m.body = { contentType: String(v?.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text', content: String(v?.content ?? '') }; break;
      case 'toRecipients': m.toRecipients = recipientsFrom(v, k); break;
      case 'ccRecipients': m.ccRecipients = recipientsFrom(v, k); break;
      case 'bccRecipients': m.bccRecipients = recipientsFrom(v, k); break;
      case 'replyTo': m.replyTo = recipientsFrom(v, k); break;
      case 'from': m.from = v ? recipientsFrom([v], k)[0] : undefined; break;
      case 'sender': m.sender = v ? recipientsFrom([v], k)[0] : undefined; break;
      case 'internetMessageHeaders': m.internetMessageHeaders = customHeaders(v); break;
      case 'internetMessageId': if (typeof v === 'string' && v) m.internetMessageId = v; break;
      case 'attachments': if (creating) m.attachments = attachmentsFromJson(v, isoNow(core)); break;
    }
  }
}


function createDraft(core: Core, ctx: RouteContext, folder: MailFolderState): RouteResult {
  const user = ctx.user!;
  const b = (ctx.body ?? {}) as Record<string, any>;
  if (typeof b !== 'object' || Array.isArray(b)) throw new GraphError(400, 'RequestBodyRead', 'The request body must be a message object.');
  const nowIso = isoNow(core);
  const m = addMessage(user, folder, { isDraft: true, isRead: true, from: { emailAddress: { name: user.displayName, address: user.mail } } }, nowIso, ctx.emit, core.state.tenant.domain);
  try {
    applyPatch(core, ctx, m, b, true);
    if (!b.from) m.from = { emailAddress: { name: user.displayName, address: user.mail } };
    m.sender = m.from;
  } catch (e) {
    // a bad body must not leave a half-made draft behind
    delete user.mailbox.messages[m.immutableId];
    delete user.mailbox.regularIds[m.regularId];
    folder.log.pop();
    throw e;
  }
  messageChanged(user, m, nowIso, () => {});
  idsApplied(ctx);
  return { status: 201, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages/$entity`, ...render(ctx, m) } };
}

function outgoingFromDraft(core: Core, user: UserState, m: MessageState): Outgoing {
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

type ReplyKind = 'reply' | 'replyAll' | 'forward';

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
function createResponseDraft(core: Core, ctx: RouteContext, kind: ReplyKind): MessageState {
  const user = ctx.user!;
  const orig = messageOf(ctx);
  const b = (ctx.body ?? {}) as Record<string, any>;
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
async function handleSendMail(core: Core, ctx: RouteContext): Promise<RouteResult> {
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
      attachments: p.attachments, mime: raw.toString('utf8'),
    };
    deliver(core, user, o, { saveToSentItems: true, via: 'graph' });
    return { status: 202 };
  }
  const b = ctx.body as Record<string, any> | undefined;
  if (!b || typeof b.message !== 'object' || b.message === null) throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
  const o = outgoingFromJson(core, user, b.message);
  deliver(core, user, o, { saveToSentItems: b.saveToSentItems === undefined ? true : String(b.saveToSentItems).toLowerCase() === 'true', via: 'graph' });
  return { status: 202 };
}

function attachmentOf(ctx: RouteContext, m: MessageState) {
  const a = m.attachments.find((x) => x.id === ctx.params.aid);
  if (!a) throw notFound();
  return a;
}

export function registerMailRoutes(core: Core): void {
  const r = (def: RouteDef) => core.registry.registerRoute(def);

  // users
  r({ method: 'GET', pattern: '/users', roles: readUsers, handler: (ctx) => {
    const select = parseSelect(ctx.query);
    const top = ctx.query.get('$top') ? Math.min(999, Number(ctx.query.get('$top'))) : 100;
    const skip = Number(ctx.query.get('$skiptoken') ?? 0) || 0;
    const filter = compileFilter(ctx.query.get('$filter'));
    let users = Object.values(ctx.state.users).map(renderUser);
    if (filter) users = users.filter(filter);
    const page = users.slice(skip, skip + top).map((u) => (select ? Object.fromEntries(Object.entries(u).filter(([k]) => select.includes(k) || k === 'id')) : u));
    const body: Record<string, unknown> = { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users${select ? `(${select.join(',')})` : ''}`, value: page };
    if (skip + top < users.length) body['@odata.nextLink'] = `${ctx.graphBaseUrl}/users?$top=${top}&$skiptoken=${skip + top}${select ? `&$select=${select.join(',')}` : ''}`;
    return { status: 200, body };
  } });
  r({ method: 'GET', pattern: '/users/:user', roles: readUsers, handler: (ctx) => {
    const select = parseSelect(ctx.query);
    const u = renderUser(ctx.user!);
    const out = select ? Object.fromEntries(Object.entries(u).filter(([k]) => select.includes(k) || k === 'id')) : u;
    return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users/$entity`, ...out } };
  } });

  // folders
  const listFolders = (ctx: RouteContext, parent?: MailFolderState): RouteResult => {
    const user = ctx.user!;
    const root = Object.values(user.mailbox.folders).find((f) => f.wellKnownName === 'msgfolderroot')!;
    const pid = parent?.id ?? root.id;
    const includeHidden = (ctx.query.get('includeHiddenFolders') ?? '').toLowerCase() === 'true';
    const filter = compileFilter(ctx.query.get('$filter'));
    let list = Object.values(user.mailbox.folders).filter((f) => f.parentFolderId === pid && (includeHidden || !f.isHidden)).map((f) => renderFolder(f, user));
    if (filter) list = list.filter(filter);
    return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/mailFolders`, value: list } };
  };
  const createFolder = (ctx: RouteContext, parent?: MailFolderState): RouteResult => {
    const user = ctx.user!;
    const name = ctx.body?.displayName;
    if (typeof name !== 'string' || !name.trim()) throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DisplayName' is empty.");
    const root = Object.values(user.mailbox.folders).find((f) => f.wellKnownName === 'msgfolderroot')!;
    const pid = parent?.id ?? root.id;
    if (Object.values(user.mailbox.folders).some((f) => f.parentFolderId === pid && f.displayName.toLowerCase() === name.toLowerCase())) {
      throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const f = newFolder(name, pid, undefined, !!ctx.body?.isHidden);
    user.mailbox.folders[f.id] = f;
    ctx.markDirty();
    return { status: 201, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/mailFolders/$entity`, ...renderFolder(f, user) } };
  };
  r({ method: 'GET', pattern: '/users/:user/mailFolders', roles: readMail, handler: (ctx) => listFolders(ctx) });
  r({ method: 'POST', pattern: '/users/:user/mailFolders', roles: writeMail, handler: (ctx) => createFolder(ctx) });
  r({ method: 'GET', pattern: '/users/:user/mailFolders/:folder', roles: readMail, handler: (ctx) => ({ status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/mailFolders/$entity`, ...renderFolder(folderOf(ctx), ctx.user!) } }) });
  r({ method: 'GET', pattern: '/users/:user/mailFolders/:folder/childFolders', roles: readMail, handler: (ctx) => listFolders(ctx, folderOf(ctx)) });
  r({ method: 'POST', pattern: '/users/:user/mailFolders/:folder/childFolders', roles: writeMail, handler: (ctx) => createFolder(ctx, folderOf(ctx)) });

  // delta
  for (const name of ['delta', 'microsoft.graph.delta', 'delta()', 'microsoft.graph.delta()']) {
    r({ method: 'GET', pattern: `/users/:user/mailFolders/:folder/messages/${name}`, roles: readMail, handler: (ctx) => messageDelta(ctx, folderOf(ctx), core.tokenSecret) });
  }

  // messages
  r({ method: 'GET', pattern: '/users/:user/messages', roles: readMail, handler: (ctx) => listMessages(ctx) });
  r({ method: 'GET', pattern: '/users/:user/mailFolders/:folder/messages', roles: readMail, handler: (ctx) => listMessages(ctx, folderOf(ctx)) });
  r({ method: 'POST', pattern: '/users/:user/messages', roles: writeMail, handler: (ctx) => createDraft(core, ctx, findFolder(ctx.user!, 'drafts')!) });
  r({ method: 'POST', pattern: '/users/:user/mailFolders/:folder/messages', roles: writeMail, handler: (ctx) => createDraft(core, ctx, folderOf(ctx)) });

  for (const prefix of ['/users/:user/messages/:id', '/users/:user/mailFolders/:folder/messages/:id']) {
    r({ method: 'GET', pattern: prefix, roles: readMail, handler: (ctx) => {
      const m = messageOf(ctx);
      idsApplied(ctx);
      return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages/$entity`, ...render(ctx, m, parseSelect(ctx.query)) } };
    } });
    r({ method: 'GET', pattern: `${prefix}/$value`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: (ctx) => {
      const m = messageOf(ctx);
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from(buildMime(m), 'utf8') };
    } });
    r({ method: 'PATCH', pattern: prefix, roles: writeMail, handler: (ctx) => {
      const m = messageOf(ctx);
      const b = ctx.body;
      if (!b || typeof b !== 'object' || Array.isArray(b)) throw new GraphError(400, 'RequestBodyRead', 'The request body must be a message object.');
      applyPatch(core, ctx, m, b, false);
      messageChanged(ctx.user!, m, isoNow(core), ctx.emit);
      idsApplied(ctx);
      return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages/$entity`, ...render(ctx, m) } };
    } });
    r({ method: 'DELETE', pattern: prefix, roles: writeMail, handler: (ctx) => {
      deleteMessage(ctx.user!, messageOf(ctx), isoNow(core), ctx.emit);
      return { status: 204 };
    } });
    for (const verb of ['move', 'copy']) {
      r({ method: 'POST', pattern: `${prefix}/${verb}`, roles: writeMail, handler: (ctx) => {
        const m = messageOf(ctx);
        const destId = ctx.body?.destinationId ?? ctx.body?.DestinationId;
        if (typeof destId !== 'string') throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DestinationId' is empty.");
        const dest = findFolder(ctx.user!, destId);
        if (!dest) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        let out: MessageState;
        if (verb === 'move') out = moveMessage(ctx.user!, m, dest, isoNow(core), ctx.emit);
        else {
          const { immutableId: _i, regularId: _r, folderId: _f, changeKey: _c, seq: _s, ...rest } = structuredClone(m);
          out = addMessage(ctx.user!, dest, { ...rest, attachments: rest.attachments.map((a) => ({ ...a })) }, isoNow(core), ctx.emit, core.state.tenant.domain);
        }
        idsApplied(ctx);
        return { status: 201, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages/$entity`, ...render(ctx, out) } };
      } });
    }
    r({ method: 'POST', pattern: `${prefix}/send`, roles: sendMail, handler: (ctx) => {
      const m = messageOf(ctx);
      if (!m.isDraft) throw new GraphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
      const o = outgoingFromDraft(core, ctx.user!, m);
      deliver(core, ctx.user!, o, { saveToSentItems: true, draft: m, via: 'graph' });
      return { status: 202 };
    } });

    // attachments
    r({ method: 'GET', pattern: `${prefix}/attachments`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: (ctx) => {
      const m = messageOf(ctx);
      const select = parseSelect(ctx.query);
      const value = m.attachments.map((a) => {
        const v = renderAttachment(a, true);
        return select ? Object.fromEntries(Object.entries(v).filter(([k]) => k.startsWith('@odata') || k === 'id' || select.includes(k))) : v;
      });
      return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages('${encodePath(ctx.params.id)}')/attachments`, value } };
    } });
    r({ method: 'POST', pattern: `${prefix}/attachments`, roles: writeMail, handler: (ctx) => {
      const m = messageOf(ctx);
      const a = attachmentFromJson(ctx.body ?? {}, isoNow(core));
      if (a.kind === 'file' && a.size > 3 * 1024 * 1024) throw new GraphError(413, 'RequestEntityTooLarge', 'The attachment is larger than 3 MB: use an upload session.');
      m.attachments.push(a);
      messageChanged(ctx.user!, m, isoNow(core), ctx.emit);
      return { status: 201, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages('${encodePath(ctx.params.id)}')/attachments/$entity`, ...renderAttachment(a, true) } };
    } });
    r({ method: 'POST', pattern: `${prefix}/attachments/createUploadSession`, roles: writeMail, handler: (ctx) => createUploadSession(core, ctx, ctx.user!, messageOf(ctx).immutableId) });
    r({ method: 'POST', pattern: `${prefix}/attachments/microsoft.graph.createUploadSession`, roles: writeMail, handler: (ctx) => createUploadSession(core, ctx, ctx.user!, messageOf(ctx).immutableId) });
    r({ method: 'GET', pattern: `${prefix}/attachments/:aid`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: (ctx) => {
      const a = attachmentOf(ctx, messageOf(ctx));
      const v = renderAttachment(a, true);
      if (a.kind === 'item' && /(^|,)\s*microsoft\.graph\.itemattachment\/item/i.test(ctx.query.get('$expand') ?? '')) v.item = a.item ?? {};
      return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages('${encodePath(ctx.params.id)}')/attachments/$entity`, ...v } };
    } });
    r({ method: 'GET', pattern: `${prefix}/attachments/:aid/$value`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: (ctx) => {
      const a = attachmentOf(ctx, messageOf(ctx));
      if (a.kind === 'reference') throw new GraphError(405, 'ErrorInvalidRequest', 'The $value of a referenceAttachment is not supported.');
      if (a.kind === 'item') return { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from(itemMime(a), 'utf8') };
      return { status: 200, headers: { 'content-type': a.contentType || 'application/octet-stream' }, body: Buffer.from(a.contentBytes ?? '', 'base64') };
    } });
    r({ method: 'DELETE', pattern: `${prefix}/attachments/:aid`, roles: writeMail, handler: (ctx) => {
      const m = messageOf(ctx);
      const a = attachmentOf(ctx, m);
      m.attachments = m.attachments.filter((x) => x !== a);
      messageChanged(ctx.user!, m, isoNow(core), ctx.emit);
      return { status: 204 };
    } });

    // replies and forwards
    for (const [verb, kind] of [['createReply', 'reply'], ['createReplyAll', 'replyAll'], ['createForward', 'forward']] as const) {
      r({ method: 'POST', pattern: `${prefix}/${verb}`, roles: writeMail, handler: (ctx) => {
        const d = createResponseDraft(core, ctx, kind);
        idsApplied(ctx);
        return { status: 201, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages/$entity`, ...render(ctx, d) } };
      } });
    }
    for (const kind of ['reply', 'replyAll', 'forward'] as const) {
      r({ method: 'POST', pattern: `${prefix}/${kind}`, roles: sendMail, handler: (ctx) => {
        if (kind === 'forward' && !ctx.body?.toRecipients && !ctx.body?.message?.toRecipients) throw new GraphError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        const d = createResponseDraft(core, ctx, kind);
        deliver(core, ctx.user!, outgoingFromDraft(core, ctx.user!, d), { saveToSentItems: true, draft: d, via: 'graph' });
        return { status: 202 };
      } });
    }
    r({ method: 'POST', pattern: `${prefix}/permanentDelete`, roles: writeMail, handler: (ctx) => {
      purgeMessage(ctx.user!, messageOf(ctx), ctx.emit);
      return { status: 204 };
    } });
  }

  r({ method: 'POST', pattern: '/users/:user/sendMail', roles: sendMail, handler: (ctx) => handleSendMail(core, ctx) });
  r({ method: 'POST', pattern: '/users/:user/microsoft.graph.sendMail', roles: sendMail, handler: (ctx) => handleSendMail(core, ctx) });

  // pre-authenticated upload URLs (served outside /v1.0; no Authorization header needed)
  r({ method: 'PUT', pattern: '/_uploads/:session', roles: [], anonymous: true, handler: (ctx) => putChunk(core, ctx) });
  r({ method: 'DELETE', pattern: '/_uploads/:session', roles: [], anonymous: true, handler: (ctx) => cancelUpload(core, ctx) });
}
