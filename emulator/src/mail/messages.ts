/**
 * Message reads and writes shared by the mail routes: lookups, rendering with `$select`/`$expand`,
 * listing with `$filter`/`$orderby`/paging, PATCH rules and drafts.
 * https://learn.microsoft.com/graph/api/resources/message
 */
import type { MailFolderState, MessageState, RouteContext, RouteResult } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { compileFilter, compileOrderBy } from '../odata.ts';
import { findFolder } from '../state.ts';
import { encodePath, expandOptions, messageViewer, parseSelect, renderMessage, messagePropertyNames } from './render.ts';
import { attachmentsFromJson, customHeaders, isoNow, recipientsFrom } from './send.ts';
import { addMessage, findMessage, messageChanged } from './store.ts';

export const notFound = () => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export function folderOf(ctx: RouteContext): MailFolderState {
  const f = findFolder(ctx.user!, ctx.params.folder);
  if (!f) throw notFound();
  return f;
}

export function messageOf(ctx: RouteContext): MessageState {
  const m = findMessage(ctx.user!, ctx.params.id);
  if (!m) throw notFound();
  if (ctx.params.folder !== undefined && m.folderId !== folderOf(ctx).id) throw notFound();
  return m;
}

export function idsApplied(ctx: RouteContext): void {
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

export function render(ctx: RouteContext, m: MessageState, select?: string[]): Record<string, unknown> {
  const ex = expandOptions(ctx.query);
  if (select) {
    for (const s of select) {
      if (!messagePropertyNames.has(s)) throw new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${s}' on type 'microsoft.graph.message'.`);
    }
  }
  return renderMessage(m, { immutable: ctx.preferImmutableIds, select, bodyType: bodyTypePref(ctx), expandAttachments: ex.attachments, expandExtendedIds: ex.ext, content: ctx.attachmentContent });
}


export function listMessages(ctx: RouteContext, folder?: MailFolderState): RouteResult {
  const user = ctx.user!;
  const q = ctx.query;
  const select = parseSelect(q);
  const top = q.get('$top') ? Number(q.get('$top')) : 10;
  const skip = q.get('$skip') ? Number(q.get('$skip')) : 0;
  if (!Number.isInteger(top) || top < 0 || top > 1000) throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The value of $top must be between 0 and 1000.');
  if (!Number.isInteger(skip) || skip < 0) throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The value of $skip is invalid.');
  const filter = compileFilter(q.get('$filter'));
  const order = compileOrderBy(q.get('$orderby') ?? 'receivedDateTime desc');
  const items: MessageState[] = Object.values(user.mailbox.messages).filter((m) => (folder ? m.folderId === folder.id : !user.mailbox.folders[m.folderId]?.isHidden));
  const view = messageViewer(ctx.preferImmutableIds);
  const viewB = messageViewer(ctx.preferImmutableIds);
  const views = (filter ? items.filter((m) => filter(view(m))) : items).map((m) => ({ m }));
  if (order) views.sort((a, b) => order(view(a.m), viewB(b.m)));
  const page = views.slice(skip, skip + top);
  idsApplied(ctx);
  const body: Record<string, unknown> = { '@odata.context': `${ctx.graphBaseUrl}/$metadata#users('${encodePath(ctx.params.user)}')/${folder ? 'mailFolders(\'' + encodePath(ctx.params.folder) + '\')/' : ''}messages${select ? `(${select.join(',')})` : ''}` };
  if ((q.get('$count') ?? '').toLowerCase() === 'true') body['@odata.count'] = views.length;
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

export function applyPatch(core: Core, ctx: RouteContext, m: MessageState, b: Record<string, any>, creating: boolean): void {
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


export function createDraft(core: Core, ctx: RouteContext, folder: MailFolderState): RouteResult {
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

