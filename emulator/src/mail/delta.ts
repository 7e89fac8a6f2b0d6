/**
 * Message delta per folder (https://learn.microsoft.com/graph/api/message-delta,
 * https://learn.microsoft.com/graph/delta-query-messages).
 *
 * State tokens are signed positions in the mailbox's change sequence: a page is served by binary
 * search into the folder's change log and a walk over at most page-size live entries (plus any
 * superseded ones), so its cost does not grow with the mailbox.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MailFolderState, RouteContext, RouteResult, UserState } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import { latestIndex } from './store.ts';
import { encodePath, expandOptions, renderMessage, parseSelect } from './render.ts';

interface TokenBody {
  u: string; // user id
  f: string; // folder id
  s: number; // changes with seq > s
  e: number; // mailbox delta epoch
  g?: string; // mailbox generation
  i: 0 | 1; // initial round: removed entries are not reported
  sel?: string;
  x?: string; // $expand
  ct?: 'created' | 'updated' | 'deleted';
  rge?: string; // receivedDateTime ge/gt filter (op:iso)
  top?: number;
}

export const defaultPageSize = 10;
const maxPageSize = 1000;

export function signToken(secret: Buffer, body: TokenBody): string {
  const data = Buffer.from(JSON.stringify(body)).toString('base64url');
  const sig = createHmac('sha256', secret).update(data).digest().subarray(0, 18).toString('base64url');
  return `${data}.${sig}`;
}

/** Expired, forged or foreign token: 410 Gone, as the delta query overview describes ("the
 *  service returns a 410 Gone … syncStateNotFound"); Exchange spells its codes in PascalCase and
 *  the calendar module answers the same way. The client must start a full sync. */
function syncStateNotFound(detail: string): GraphError {
  return new GraphError(410, 'SyncStateNotFound', `The sync state generation is not found; ${detail}. The delta token is expired or invalid and data must be synchronized again.`);
}

export function readToken(secret: Buffer, token: string): TokenBody {
  const [data, sig] = token.split('.');
  if (!data || !sig) throw syncStateNotFound('malformed token');
  const want = createHmac('sha256', secret).update(data).digest().subarray(0, 18);
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw syncStateNotFound('unknown token');
  try {
    return JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as TokenBody;
  } catch {
    throw syncStateNotFound('unreadable token');
  }
}

function firstAfter(folder: MailFolderState, seq: number): number {
  const log = folder.log;
  let lo = 0, hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid].seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}


const rgeRe = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i;

/**
 * Known Graph behaviours the emulator can switch on (`POST /_emulator/quirks`), so clients can be
 * tested against them. deltaMissesReturnedWithImmutableIds: Graph's known issues list mail moved out
 * of a folder and back as missed by that folder's message delta when immutable ids are asked for
 * (https://learn.microsoft.com/graph/known-issues, Outlook). With it on, such a message is left out of
 * the folder's delta (with Prefer: IdType="ImmutableId") while it stays there.
 */
export interface DeltaQuirks {
  deltaMissesReturnedWithImmutableIds: boolean;
}

export function messageDelta(ctx: RouteContext, folder: MailFolderState, secret: Buffer, quirks?: DeltaQuirks): RouteResult {
  const user = ctx.user as UserState;
  const q = ctx.query;
  const deltatoken = q.get('$deltatoken') ?? q.get('$deltaToken');
  const skiptoken = q.get('$skiptoken') ?? q.get('$skipToken');
  let tb: TokenBody;
  if (deltatoken || skiptoken) {
    tb = readToken(secret, (deltatoken ?? skiptoken)!);
    if (tb.u !== user.id || tb.f !== folder.id) throw syncStateNotFound('token issued for another folder');
    if ((tb.g ?? '') !== (user.mailbox.generation ?? '')) throw syncStateNotFound('the mailbox was reset');
    if (tb.e !== user.mailbox.deltaEpoch) throw syncStateNotFound(`generation=${tb.e};[highest=${user.mailbox.deltaEpoch}]`);
    if (deltatoken) tb = { ...tb, i: 0 };
  } else {
    // "Delta query support $select, $top, and $expand for messages"; the only $orderby it takes is
    // receivedDateTime desc (graph/api/message-delta). **choice:** Graph's code for the refusal is not
    // documented; ErrorInvalidUrlQuery is the Exchange code for an unsupported query option.
    if (q.has('$search')) throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The query parameter $search is not supported with change tracking over the messages resource.');
    const orderby = q.get('$orderby');
    if (orderby !== null && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderby)) {
      throw new GraphError(400, 'ErrorInvalidUrlQuery', `The $orderby expression '${orderby}' is not supported with change tracking over the messages resource; only receivedDateTime desc is.`);
    }
    const filter = q.get('$filter');
    let rge: string | undefined;
    if (filter) {
      const m = rgeRe.exec(filter);
      if (!m || Number.isNaN(Date.parse(m[2]))) throw new GraphError(400, 'ErrorInvalidUrlQueryFilter', 'The filter expression for delta is not supported. Only receivedDateTime ge/gt {value} is supported.');
      rge = `${m[1].toLowerCase()}:${m[2]}`;
    }
    const ct = q.get('changeType') ?? undefined;
    if (ct && !['created', 'updated', 'deleted'].includes(ct)) throw new GraphError(400, 'ErrorInvalidParameter', `The value '${ct}' of parameter 'changeType' is invalid.`);
    const top = q.get('$top');
    tb = { u: user.id, f: folder.id, s: 0, e: user.mailbox.deltaEpoch, g: user.mailbox.generation, i: 1, sel: q.get('$select') ?? undefined, x: q.get('$expand') ?? undefined, ct: ct as TokenBody['ct'], rge, top: top ? Number(top) : undefined };
  }

  const preferSize = Number(ctx.prefer.get('odata.maxpagesize'));
  let pageSize = defaultPageSize;
  if (Number.isFinite(preferSize) && preferSize > 0) {
    pageSize = Math.min(preferSize, maxPageSize);
    ctx.applyPreference(`odata.maxpagesize=${pageSize}`);
  } else if (tb.top && tb.top > 0) pageSize = Math.min(tb.top, maxPageSize);

  const select = tb.sel ? parseSelect(new URLSearchParams({ $select: tb.sel })) : undefined;
  // "Delta query support $select, $top, and $expand for messages" (message-delta)
  const expand = tb.x ? expandOptions(new URLSearchParams({ $expand: tb.x })) : { attachments: false, ext: undefined };
  const [rgeOp, rgeIso] = tb.rge ? tb.rge.split(/:(.*)/s) : [];
  const rgeMs = rgeIso ? Date.parse(rgeIso) : undefined;
  const latest = latestIndex(folder);
  const messages = user.mailbox.messages;
  const log = folder.log;
  const value: Record<string, unknown>[] = [];
  let i = firstAfter(folder, tb.s);
  let lastSeq = tb.s;
  let more = false;
  for (; i < log.length; i++) {
    const e = log[i];
    if (latest.get(e.id) !== e.seq) continue; // superseded by a later entry
    let item: Record<string, unknown> | undefined;
    if (e.removed) {
      if (tb.i || (tb.ct && tb.ct !== 'deleted')) continue;
      item = { '@odata.type': '#microsoft.graph.message', id: ctx.preferImmutableIds ? e.id : (e.rid ?? e.id), '@removed': { reason: e.removed } };
    } else {
      const m = messages[e.id];
      if (!m || m.folderId !== folder.id) continue;
      if (tb.ct === 'deleted') continue;
      if (quirks?.deltaMissesReturnedWithImmutableIds && ctx.preferImmutableIds && m.leftFolders?.includes(folder.id)) continue;
      if (tb.ct === 'created' && !(tb.i || (m.arrivedSeq ?? 0) > tb.s)) continue;
      if (tb.ct === 'updated' && (tb.i || (m.arrivedSeq ?? 0) > tb.s)) continue;
      if (rgeMs !== undefined) {
        const r = Date.parse(m.receivedDateTime);
        if (rgeOp === 'gt' ? !(r > rgeMs) : !(r >= rgeMs)) continue;
      }
      if (value.length < pageSize) {
        item = renderMessage(m, { immutable: ctx.preferImmutableIds, select, expandAttachments: expand.attachments, expandExtendedIds: expand.ext, content: ctx.attachmentContent });
        item['@odata.type'] = '#microsoft.graph.message';
      } else item = {};
    }
    if (value.length >= pageSize) {
      more = true;
      break;
    }
    value.push(item);
    lastSeq = e.seq;
  }
  if (ctx.preferImmutableIds) ctx.applyPreference('IdType="ImmutableId"');
  const base = `${ctx.graphBaseUrl}${encodePath(ctx.path)}`;
  const body: Record<string, unknown> = { '@odata.context': `${ctx.graphBaseUrl}/$metadata#Collection(message)` };
  if (more) {
    body['@odata.nextLink'] = `${base}?$skiptoken=${signToken(secret, { ...tb, s: lastSeq })}`;
  } else {
    body['@odata.deltaLink'] = `${base}?$deltatoken=${signToken(secret, { ...tb, s: user.mailbox.seq, i: 0 })}`;
  }
  body.value = value;
  return { status: 200, body };
}

