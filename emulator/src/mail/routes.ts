/**
 * The mail routes: users, mail folders, messages, delta, attachments, upload sessions, sending.
 * Paths and shapes: https://learn.microsoft.com/graph/api/resources/mail-api-overview
 */
import type { MailFolderState, MessageState, RouteContext, RouteDef, RouteResult } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { compileFilter } from '../odata.ts';
import { findFolder, newFolder } from '../state.ts';
import { createResponseDraft, handleSendMail, outgoingFromDraft } from './compose.ts';
import { messageDelta } from './delta.ts';
import { applyPatch, createDraft, folderOf, idsApplied, listMessages, messageOf, notFound, render } from './messages.ts';
import { buildMime, itemMime } from './mime.ts';
import { encodePath, parseSelect, renderAttachment, renderFolder, renderUser } from './render.ts';
import { attachmentFromJson, deliver, isoNow } from './send.ts';
import { addMessage, deleteMessage, messageChanged, moveMessage, purgeMessage } from './store.ts';
import { cancelUpload, createUploadSession, putChunk, uploadStatus } from './upload.ts';
import { checkMessageSize, sendDraft } from './send-draft.ts';

export { mergeExtendedProperties } from './messages.ts';

const readUsers = ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const readMail = ['Mail.ReadBasic.All', 'Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'];
const writeMail = ['Mail.ReadWrite'];
const sendMail = ['Mail.Send'];

function selectAttachment(v: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return v;
  // A derived type's property is selected with a type cast (`microsoft.graph.fileAttachment/contentId`):
  // it applies to attachments of that type only.
  const type = String(v['@odata.type'] ?? '').replace(/^#/, '').toLowerCase();
  const names = select.map((x) => { const i = x.lastIndexOf('/'); return i < 0 ? x : x.slice(0, i).toLowerCase() === type ? x.slice(i + 1) : ''; });
  return Object.fromEntries(Object.entries(v).filter(([k]) => k.startsWith('@odata') || k === 'id' || names.includes(k)));
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
    r({ method: 'GET', pattern: `/users/:user/mailFolders/:folder/messages/${name}`, roles: readMail, handler: (ctx) => messageDelta(ctx, folderOf(ctx), core.tokenSecret, core.quirks) });
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
    r({ method: 'GET', pattern: `${prefix}/$value`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: async (ctx) => {
      const m = messageOf(ctx);
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: await buildMime(m, core.content) };
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
      sendDraft(core, ctx.user!, messageOf(ctx));
      return { status: 202 };
    } });

    // attachments
    r({ method: 'GET', pattern: `${prefix}/attachments`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: (ctx) => {
      const m = messageOf(ctx);
      const select = parseSelect(ctx.query);
      // contentBytes only when asked for (no $select, or $select naming it): a file kept on disk is read only then
      const value = m.attachments.map((a) => selectAttachment(renderAttachment(a, !select || select.includes('contentBytes'), core.content), select));
      return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages('${encodePath(ctx.params.id)}')/attachments`, value } };
    } });
    r({ method: 'POST', pattern: `${prefix}/attachments`, roles: writeMail, handler: (ctx) => {
      const m = messageOf(ctx);
      const a = attachmentFromJson(ctx.body ?? {}, isoNow(core));
      if (a.kind === 'file' && a.size > 3 * 1024 * 1024) throw new GraphError(413, 'RequestEntityTooLarge', 'The attachment is larger than 3 MB: use an upload session.');
      checkMessageSize(core, m, a.size);
      m.attachments.push(a);
      messageChanged(ctx.user!, m, isoNow(core), ctx.emit);
      return { status: 201, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages('${encodePath(ctx.params.id)}')/attachments/$entity`, ...renderAttachment(a, true, core.content) } };
    } });
    r({ method: 'POST', pattern: `${prefix}/attachments/createUploadSession`, roles: writeMail, handler: (ctx) => createUploadSession(core, ctx, ctx.user!, messageOf(ctx).immutableId) });
    r({ method: 'POST', pattern: `${prefix}/attachments/microsoft.graph.createUploadSession`, roles: writeMail, handler: (ctx) => createUploadSession(core, ctx, ctx.user!, messageOf(ctx).immutableId) });
    r({ method: 'GET', pattern: `${prefix}/attachments/:aid`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: (ctx) => {
      const a = attachmentOf(ctx, messageOf(ctx));
      const select = parseSelect(ctx.query);
      const v = selectAttachment(renderAttachment(a, !select || select.includes('contentBytes'), core.content), select);
      if (a.kind === 'item' && /(^|,)\s*microsoft\.graph\.itemattachment\/item/i.test(ctx.query.get('$expand') ?? '')) v.item = a.item ?? {};
      return { status: 200, body: { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/messages('${encodePath(ctx.params.id)}')/attachments/$entity`, ...v } };
    } });
    r({ method: 'GET', pattern: `${prefix}/attachments/:aid/$value`, roles: readMail.filter((x) => !x.startsWith('Mail.ReadBasic')), handler: async (ctx): Promise<RouteResult> => {
      const a = attachmentOf(ctx, messageOf(ctx));
      if (a.kind === 'reference') throw new GraphError(405, 'ErrorInvalidRequest', 'The $value of a referenceAttachment is not supported.');
      if (a.kind === 'item') return { status: 200, headers: { 'content-type': 'text/plain' }, body: await itemMime(a) };
      // bytes kept on disk are streamed from the file, never read whole
      if (a.contentFile) return { status: 200, headers: { 'content-type': a.contentType || 'application/octet-stream', 'content-length': String(a.size) }, body: core.content.open(a) };
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
  r({ method: 'GET', pattern: '/_uploads/:session', roles: [], anonymous: true, handler: (ctx) => uploadStatus(core, ctx) });
  r({ method: 'DELETE', pattern: '/_uploads/:session', roles: [], anonymous: true, handler: (ctx) => cancelUpload(core, ctx) });
}
