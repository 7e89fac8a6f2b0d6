// Request helpers shared by the calendar routes: output zone, paging, links, $filter/$orderby.
import { GraphError } from '../contracts.ts';
import type { RouteContext, UserState } from '../contracts.ts';
import type { CalendarFolder, CalendarState, StoredEvent } from './model.ts';
import { FilterSyntaxError, evaluateFilter, parseFilter, type FilterNode } from './odata-filter.ts';
import { UTC_OUTPUT, filterView, parseExpandParam, parseSelectParam, type OutputZone, type RenderOptions } from './render.ts';
import { calendarOf, findCalendar } from './store.ts';
import { resolveTimeZone } from './timezones.ts';
import type { ViewItem } from './view.ts';

/** `Prefer: outlook.timezone="…"`: a zone Graph knows → responses in it, and Preference-Applied.
 *  An unknown zone is ignored (UTC), as Graph does. */
export function outputZone(ctx: RouteContext): OutputZone {
  const name = ctx.prefer.get('outlook.timezone');
  if (!name) return UTC_OUTPUT;
  const zone = resolveTimeZone(name);
  if (!zone) return UTC_OUTPUT;
  ctx.applyPreference(`outlook.timezone="${name}"`);
  return { name, zone };
}

export function renderOptions(ctx: RouteContext): RenderOptions {
  immutableIds(ctx);
  return { tz: outputZone(ctx), select: parseSelectParam(ctx.query), expand: parseExpandParam(ctx.query), bodyType: bodyType(ctx) };
}

/** Event ids never change here (events don't move folders), so ImmutableId is always honoured. */
export function immutableIds(ctx: RouteContext): void {
  if (ctx.preferImmutableIds) ctx.applyPreference('IdType="ImmutableId"');
}

/** `Prefer: outlook.body-content-type="text"|"html"`: body (and uniqueBody) in that format. */
export function bodyType(ctx: RouteContext): 'text' | 'html' | undefined {
  const v = ctx.prefer.get('outlook.body-content-type')?.toLowerCase();
  if (v !== 'text' && v !== 'html') return undefined;
  ctx.applyPreference(`outlook.body-content-type="${v}"`);
  return v;
}

export function userOf(ctx: RouteContext): UserState {
  if (!ctx.user) throw new GraphError(404, 'ErrorInvalidUser', 'The requested user is invalid.');
  return ctx.user;
}

/** The calendar a route addresses: `:cal` when present, else the default calendar. */
export function calendarFolder(ctx: RouteContext): { cal: CalendarState; folder: CalendarFolder } {
  const cal = calendarOf(userOf(ctx));
  const folder = findCalendar(cal, ctx.params.cal);
  if (!folder) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  return { cal, folder };
}

export function queryParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name) ?? q.get(name.replace(/^\$/, ''));
  return v === null ? undefined : v;
}

export function parseTopSkip(q: URLSearchParams, defaultTop = 10): { top: number; skip: number } {
  const topRaw = queryParam(q, '$top');
  const skipRaw = queryParam(q, '$skip');
  const top = topRaw === undefined ? defaultTop : Number(topRaw);
  const skip = skipRaw === undefined ? 0 : Number(skipRaw);
  if (!Number.isInteger(top) || top < 0) throw new GraphError(400, 'BadRequest', `Invalid value '${topRaw}' for $top.`);
  if (!Number.isInteger(skip) || skip < 0) throw new GraphError(400, 'BadRequest', `Invalid value '${skipRaw}' for $skip.`);
  // Graph caps $top for Outlook collections at 1000.
  return { top: Math.min(top, 1000), skip };
}

/** `$count=true` adds `@odata.count` (the total before paging). */
export function wantsCount(ctx: RouteContext): boolean {
  return (queryParam(ctx.query, '$count') ?? '').toLowerCase() === 'true';
}

export function parseFilterParam(q: URLSearchParams): FilterNode | undefined {
  const raw = queryParam(q, '$filter');
  if (!raw) return undefined;
  try {
    return parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${e.message}`);
    throw e;
  }
}

export function matchesFilter(node: FilterNode | undefined, ev: StoredEvent, user: UserState, item?: ViewItem): boolean {
  if (!node) return true;
  return evaluateFilter(node, filterView(ev, user, item?.occurrence));
}

type Sortable = { ev: StoredEvent; startMs: number; id: string };

const ORDERABLE: Record<string, (x: Sortable) => string | number | boolean> = {
  'start/datetime': (x) => x.startMs,
  'end/datetime': (x) => x.ev.endMs + (x.startMs - x.ev.startMs),
  subject: (x) => x.ev.subject.toLowerCase(),
  createddatetime: (x) => x.ev.createdDateTime,
  lastmodifieddatetime: (x) => x.ev.lastModifiedDateTime,
  importance: (x) => x.ev.importance,
  isallday: (x) => x.ev.isAllDay,
  id: (x) => x.id,
};

/** `$orderby=start/dateTime desc,subject`; ties broken by id so paging is stable. */
export function sortItems<T extends Sortable>(items: T[], q: URLSearchParams, fallback: (a: T, b: T) => number): T[] {
  const raw = queryParam(q, '$orderby');
  if (!raw) return items.sort(fallback);
  const keys = raw.split(',').map((part) => {
    const [name, dir] = part.trim().split(/\s+/);
    const get = ORDERABLE[(name ?? '').toLowerCase()];
    if (!get) throw new GraphError(400, 'BadRequest', `The $orderby property '${name}' is not supported.`);
    return { get, sign: (dir ?? 'asc').toLowerCase() === 'desc' ? -1 : 1 };
  });
  return items.sort((a, b) => {
    for (const k of keys) {
      const x = k.get(a);
      const y = k.get(b);
      if (x < y) return -k.sign;
      if (x > y) return k.sign;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** Same URL as the request with `$skip` moved on — Graph's @odata.nextLink for Outlook lists. */
export function nextSkipLink(ctx: RouteContext, skip: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of ctx.query) if (k.toLowerCase() !== '$skip' && k.toLowerCase() !== 'skip') q.append(k, v);
  q.set('$skip', String(skip));
  return `${ctx.graphBaseUrl}${encodePath(ctx.path)}?${q.toString().replace(/%24/g, '$')}`;
}

export function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s).replace(/%40/g, '@').replace(/%3A/gi, ':')).join('/');
}

export function contextUrl(ctx: RouteContext, suffix: string): string {
  return `${ctx.graphBaseUrl}/$metadata#${suffix}`;
}

/** Prefer: odata.maxpagesize=N (applied and echoed back). */
export function maxPageSize(ctx: RouteContext, fallback: number): number {
  const raw = ctx.prefer.get('odata.maxpagesize');
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) return fallback;
  ctx.applyPreference(`odata.maxpagesize=${n}`);
  return Math.min(n, 1000);
}
