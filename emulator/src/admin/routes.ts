/**
 * The admin API under `/_emulator` (loopback only, no token): reset, seed, dump, deliver mail,
 * act as a mailbox owner, request log and counters, faults, delta-token expiry, clock, outbound log.
 * Every route is listed in emulator/README.md.
 */
import type { IncomingMessage } from 'node:http';
import type { AdminRouteContext, AdminRouteDef, AttachmentState, MessageState, RouteResult, UserState } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { errorOutput, type DispatchOutput } from '../dispatch.ts';
import { newGuid } from '../ids.ts';
import { registerAppRoutes } from './apps.ts';
import { parseMime } from '../mail/mime.ts';
import { renderMessage } from '../mail/render.ts';
import { attachmentFromJson, attachmentsFromJson, isoNow, recipientsFrom } from '../mail/send.ts';
import { ContentTooLarge } from '../mail/content.ts';
import { maxAttachmentBytes } from '../mail/upload.ts';
import { updateMailLimits } from '../mail/limits.ts';
import { newImmutableId } from '../ids.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addMessage, deleteMessage, findMessage, messageChanged, moveMessage } from '../mail/store.ts';
import { findFolder, findUser, readSeed, type Seed } from '../state.ts';
import { mergeExtendedProperties } from '../mail/routes.ts';

/** Delivered attachments: Graph JSON, or a file attachment naming content uploaded to `POST /_emulator/attachments`. */
function adminAttachments(core: Core, list: unknown, nowIso: string): AttachmentState[] {
  if (!Array.isArray(list)) return attachmentsFromJson(list, nowIso);
  return list.map((a) => {
    if (typeof a?.contentFile !== 'string') return attachmentFromJson(a, nowIso);
    if (!/^[0-9a-f]{64}$/.test(a.contentFile) || !existsSync(join(core.content.dir, a.contentFile))) throw new GraphError(400, 'BadRequest', `No uploaded content '${a.contentFile}' (POST /_emulator/attachments first).`);
    const att: AttachmentState = {
      id: newImmutableId('attachment'),
      kind: 'file',
      name: String(a.name ?? 'attachment'),
      contentType: String(a.contentType ?? 'application/octet-stream'),
      size: 0,
      isInline: !!a.isInline,
      contentId: typeof a.contentId === 'string' ? a.contentId : undefined,
      lastModifiedDateTime: nowIso,
      contentFile: a.contentFile,
    };
    att.size = core.content.size(att);
    return att;
  });
}

function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new GraphError(404, 'NotFound', `${what} not found.`);
  return v;
}

function userOf(ctx: AdminRouteContext): UserState {
  return must(ctx.user, `User '${ctx.params.user}'`);
}

function messageOf(ctx: AdminRouteContext): MessageState {
  return must(findMessage(userOf(ctx), ctx.params.id), `Message '${ctx.params.id}'`);
}

function view(m: MessageState): Record<string, unknown> {
  return { ...renderMessage(m, { immutable: true }), immutableId: m.immutableId, regularId: m.regularId };
}

export function registerAdminRoutes(core: Core): void {
  const r = (def: AdminRouteDef) => core.registry.registerAdminRoute(def);
  const ok = (body?: unknown, status = 200): RouteResult => ({ status, body });
  registerAppRoutes(core);

  r({ method: 'GET', pattern: '/', handler: () => ok({ graphBaseUrl: core.graphBaseUrl, tenantId: core.state.tenant.id, docs: 'See emulator/README.md for the admin routes.' }) });
  r({ method: 'POST', pattern: '/reset', handler: () => {
    core.replaceState(core.seed); // same user ids, empty mailboxes; old delta tokens → 410
    core.faults.clear();
    core.requestLog.clear();
    return ok({ reset: true, users: Object.values(core.state.users).map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName })) });
  } });
  r({ method: 'POST', pattern: '/seed', handler: (ctx) => {
    let seed: Seed;
    try {
      seed = readSeed(ctx.body as Seed);
    } catch (e) {
      throw new GraphError(400, 'BadRequest', (e as Error).message);
    }
    if (seed.tenant.id && seed.tenant.id !== core.state.tenant.id) throw new GraphError(400, 'BadRequest', 'A running emulator keeps its tenant id (it is in the authority URL); omit tenant.id or restart.');
    core.replaceState({ ...seed, tenant: { ...seed.tenant, id: core.state.tenant.id } });
    // users keep their ids when their userPrincipalName is in the new seed too
    return ok({ users: Object.values(core.state.users).map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName })) });
  } });
  r({ method: 'GET', pattern: '/state', handler: () => ok(core.state) });
  r({ method: 'GET', pattern: '/users', handler: () => ok({ value: Object.values(core.state.users).map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName, mail: u.mail })) }) });
  r({ method: 'POST', pattern: '/users', handler: (ctx) => {
    const b = ctx.body ?? {};
    if (typeof b.userPrincipalName !== 'string' || !b.userPrincipalName.includes('@')) throw new GraphError(400, 'BadRequest', 'userPrincipalName must be an address.');
    if (findUser(core.state, b.userPrincipalName)) throw new GraphError(409, 'Conflict', 'A user with that userPrincipalName exists.');
    const u = core.addUser(b);
    return ok({ id: u.id, userPrincipalName: u.userPrincipalName }, 201);
  } });

  // deliver a message into a mailbox (as if it arrived from outside)
  r({ method: 'POST', pattern: '/users/:user/messages', handler: async (ctx) => {
    const user = userOf(ctx);
    const b = (ctx.body ?? {}) as Record<string, any>;
    const folder = must(findFolder(user, String(b.folder ?? b.parentFolderId ?? 'inbox')), `Folder '${b.folder}'`);
    const nowIso = isoNow(core);
    let data: Parameters<typeof addMessage>[2];
    if (typeof b.mime === 'string' || typeof b.mimeBase64 === 'string') {
      // `mimeBase64` carries 8-bit MIME byte for byte; `mime` is text (UTF-8).
      const raw = typeof b.mimeBase64 === 'string' ? Buffer.from(b.mimeBase64, 'base64') : Buffer.from(b.mime, 'utf8');
      const p = await parseMime(raw, nowIso);
      data = { ...p, mimeBase64: raw.toString('base64'), internetMessageId: p.internetMessageId, receivedDateTime: b.receivedDateTime ?? nowIso };
    } else {
      data = {
        subject: String(b.subject ?? ''),
        body: { contentType: String(b.body?.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text', content: String(b.body?.content ?? '') },
        from: b.from ? recipientsFrom([b.from], 'from')[0] : { emailAddress: { name: 'Someone Outside', address: 'someone@example.org' } },
        toRecipients: b.toRecipients ? recipientsFrom(b.toRecipients, 'toRecipients') : [{ emailAddress: { name: user.displayName, address: user.mail } }],
        ccRecipients: recipientsFrom(b.ccRecipients, 'ccRecipients'),
        internetMessageId: b.internetMessageId,
        conversationId: b.conversationId,
        receivedDateTime: b.receivedDateTime ?? nowIso,
        sentDateTime: b.sentDateTime ?? b.receivedDateTime ?? nowIso,
        isRead: !!b.isRead,
        categories: Array.isArray(b.categories) ? b.categories : [],
        importance: b.importance,
        internetMessageHeaders: Array.isArray(b.internetMessageHeaders) ? b.internetMessageHeaders : undefined,
        singleValueExtendedProperties: Array.isArray(b.singleValueExtendedProperties) ? mergeExtendedProperties([], b.singleValueExtendedProperties) : undefined,
        attachments: adminAttachments(core, b.attachments, nowIso),
      };
      data.sender = data.from;
    }
    const m = addMessage(user, folder, data, nowIso, ctx.emit, core.state.tenant.domain);
    return ok(view(m), 201);
  } });
  // large attachment content: streamed to the content directory, then named by a delivered message's
  // attachment (`contentFile`); `GET` tells how each attachment's bytes were served since
  r({ method: 'POST', pattern: '/attachments', streamBody: true, handler: async (ctx) => {
    try {
      const stored = await core.content.write(ctx.req, maxAttachmentBytes);
      return ok({ contentFile: stored.file, size: stored.size, sha256: stored.sha256 }, 201);
    } catch (e) {
      if (e instanceof ContentTooLarge) throw new GraphError(413, 'RequestEntityTooLarge', 'An attachment is at most 150 MB.');
      throw e;
    }
  } });
  r({ method: 'GET', pattern: '/attachments', handler: () => ok({ dir: core.content.dir, served: Object.fromEntries(core.content.served) }) });

  // load many messages at once (benchmarks, big-mailbox tests)
  r({ method: 'POST', pattern: '/users/:user/messages/bulk', handler: (ctx) => {
    const user = userOf(ctx);
    const b = (ctx.body ?? {}) as Record<string, any>;
    const count = Number(b.count ?? 0);
    if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new GraphError(400, 'BadRequest', 'count must be an integer between 1 and 1,000,000.');
    const folder = must(findFolder(user, String(b.folder ?? 'inbox')), `Folder '${b.folder}'`);
    const bodyText = String(b.bodyContent ?? 'Lorem ipsum dolor sit amet. '.repeat(20));
    const start = Date.parse(b.startDateTime ?? '2026-01-01T00:00:00Z');
    const nowIso = isoNow(core);
    const from = { emailAddress: { name: 'Bulk Sender', address: 'bulk@example.org' } };
    for (let i = 0; i < count; i++) {
      const at = new Date(start + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      addMessage(user, folder, {
        subject: `${b.subjectPrefix ?? 'Bulk message'} ${i + 1}`, body: { contentType: 'text', content: bodyText }, from, sender: from,
        toRecipients: [{ emailAddress: { name: user.displayName, address: user.mail } }], receivedDateTime: at, sentDateTime: at,
      }, nowIso, ctx.emit, core.state.tenant.domain);
    }
    return ok({ created: count, folderId: folder.id }, 201);
  } });
  r({ method: 'GET', pattern: '/users/:user/messages/:id', handler: (ctx) => ok(view(messageOf(ctx))) });
  // act as the mailbox owner (Outlook): read, edit, move, delete
  const ownerPatch = (ctx: AdminRouteContext) => {
    const user = userOf(ctx);
    const m = messageOf(ctx);
    const b = (ctx.body ?? {}) as Record<string, any>;
    if (b.isRead !== undefined) m.isRead = !!b.isRead;
    if (Array.isArray(b.categories)) m.categories = b.categories.map(String);
    if (b.flag?.flagStatus) m.flag = { flagStatus: b.flag.flagStatus };
    if (typeof b.subject === 'string') m.subject = b.subject;
    if (b.importance) m.importance = b.importance;
    messageChanged(user, m, isoNow(core), ctx.emit, true);
    return ok(view(m));
  };
  r({ method: 'PATCH', pattern: '/users/:user/messages/:id', handler: ownerPatch });
  r({ method: 'POST', pattern: '/users/:user/messages/:id/read', handler: (ctx) => ownerPatch({ ...ctx, body: { isRead: ctx.body?.isRead ?? true } }) });
  r({ method: 'POST', pattern: '/users/:user/messages/:id/move', handler: (ctx) => {
    const user = userOf(ctx);
    const dest = must(findFolder(user, String(ctx.body?.destinationId ?? '')), `Folder '${ctx.body?.destinationId}'`);
    return ok(view(moveMessage(user, messageOf(ctx), dest, isoNow(core), ctx.emit, true)));
  } });
  r({ method: 'DELETE', pattern: '/users/:user/messages/:id', handler: (ctx) => {
    const user = userOf(ctx);
    const m = messageOf(ctx);
    deleteMessage(user, m, isoNow(core), ctx.emit, true);
    if (ctx.query.get('permanent') === 'true' && user.mailbox.messages[m.immutableId]) deleteMessage(user, m, isoNow(core), ctx.emit, true);
    return { status: 204 };
  } });

  // observability
  r({ method: 'GET', pattern: '/requests', handler: (ctx) => ok({ value: core.requestLog.list(Number(ctx.query.get('limit') ?? 500)) }) });
  r({ method: 'DELETE', pattern: '/requests', handler: () => {
    core.requestLog.clear();
    return { status: 204 };
  } });
  r({ method: 'GET', pattern: '/counters', handler: () => ok(core.requestLog.counters()) });

  // faults
  r({ method: 'POST', pattern: '/faults', handler: (ctx) => {
    try {
      return ok(core.faults.add(ctx.body ?? {}), 201);
    } catch (e) {
      throw new GraphError(400, 'BadRequest', (e as Error).message);
    }
  } });
  r({ method: 'GET', pattern: '/faults', handler: () => ok({ value: core.faults.list() }) });
  r({ method: 'DELETE', pattern: '/faults', handler: () => {
    core.faults.clear();
    return { status: 204 };
  } });
  r({ method: 'DELETE', pattern: '/faults/:id', handler: (ctx) => {
    if (!core.faults.remove(ctx.params.id)) throw new GraphError(404, 'NotFound', 'No such fault rule.');
    return { status: 204 };
  } });

  // delta tokens
  r({ method: 'POST', pattern: '/delta/expire', handler: (ctx) => {
    const which = ctx.body?.user ?? ctx.query.get('user');
    const users = which ? [must(findUser(core.state, String(which)), `User '${which}'`)] : Object.values(core.state.users);
    for (const u of users) u.mailbox.deltaEpoch++;
    core.markDirty();
    return ok({ expired: users.map((u) => u.userPrincipalName) });
  } });

  // clock
  r({ method: 'GET', pattern: '/clock', handler: () => ok({ now: core.clock.now().toISOString(), offsetMs: core.clock.offsetMs() }) });
  r({ method: 'POST', pattern: '/clock', handler: (ctx) => {
    const ms = Number(ctx.body?.advanceMs);
    if (!Number.isFinite(ms) || ms < 0) throw new GraphError(400, 'BadRequest', 'advanceMs must be a non-negative number of milliseconds.');
    core.clock.advance(ms);
    return ok({ now: core.clock.now().toISOString(), offsetMs: core.clock.offsetMs() });
  } });

  // outbound mail
  r({ method: 'GET', pattern: '/outbound', handler: () => ok({ value: core.state.outbound }) });
  r({ method: 'DELETE', pattern: '/outbound', handler: () => {
    core.state.outbound = [];
    core.markDirty();
    return { status: 204 };
  } });

  // Exchange's outbound mail limits at run time (mail/limits.ts)
  r({ method: 'GET', pattern: '/limits', handler: () => ok(core.mailLimits) });
  r({ method: 'POST', pattern: '/limits', handler: (ctx) => {
    try {
      return ok(updateMailLimits(core.mailLimits, ctx.body ?? {}));
    } catch (e) {
      throw new GraphError(400, 'BadRequest', (e as Error).message);
    }
  } });

  // known Graph behaviours, off by default (mail/delta.ts DeltaQuirks)
  r({ method: 'GET', pattern: '/quirks', handler: () => ok(core.quirks) });
  r({ method: 'POST', pattern: '/quirks', handler: (ctx) => {
    const b = ctx.body ?? {};
    for (const k of Object.keys(core.quirks) as (keyof typeof core.quirks)[]) if (b[k] !== undefined) core.quirks[k] = b[k] === true;
    return ok(core.quirks);
  } });

  // throttling limits at run time
  r({ method: 'GET', pattern: '/throttle', handler: () => ok(core.throttle.options) });
  r({ method: 'POST', pattern: '/throttle', handler: (ctx) => {
    const b = ctx.body ?? {};
    for (const k of ['concurrency', 'requestsPerWindow', 'windowMs'] as const) {
      if (b[k] !== undefined) {
        const n = Number(b[k]);
        if (!Number.isFinite(n) || n <= 0) throw new GraphError(400, 'BadRequest', `${k} must be a positive number.`);
        core.throttle.options[k] = n;
      }
    }
    core.throttle.reset();
    return ok(core.throttle.options);
  } });
}

export async function handleAdmin(core: Core, req: IncomingMessage, method: string, path: string, query: URLSearchParams, rawBody: Buffer): Promise<DispatchOutput> {
  const requestId = newGuid();
  const err = (status: number, code: string, message: string) => errorOutput(core, status, code, message, requestId, undefined);
  const m = core.registry.admin.match(method, path);
  if (m === undefined) return err(404, 'NotFound', `No admin route for ${method} /_emulator${path}.`);
  if (m === 'methodMismatch') return err(405, 'MethodNotAllowed', `${method} is not allowed on /_emulator${path}.`);
  let body: unknown;
  if (rawBody.length) {
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return err(400, 'BadRequest', 'The body must be JSON.');
    }
  }
  const user = m.params.user !== undefined ? findUser(core.state, m.params.user) : undefined;
  if (m.params.user !== undefined && !user) return err(404, 'NotFound', `User '${m.params.user}' not found.`);
  const ctx: AdminRouteContext = {
    req,
    method,
    path,
    params: m.params,
    query,
    body,
    rawBody,
    user,
    state: core.state,
    clock: core.clock,
    graphBaseUrl: core.graphBaseUrl,
    emit: (c) => core.emit({ ...c, byOwner: c.byOwner ?? true }),
    markDirty: () => core.markDirty(),
  };
  try {
    const r = await m.def.handler(ctx);
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
    return { status: r.status, headers, body: r.body };
  } catch (e) {
    if (e instanceof GraphError) return err(e.status, e.code, e.message);
    core.log(`admin error ${method} ${path}: ${(e as Error).stack ?? e}`);
    return err(500, 'InternalError', (e as Error).message);
  }
}
