// calendarView (https://learn.microsoft.com/graph/api/user-list-calendarview) and calendarView
// delta (https://learn.microsoft.com/graph/api/event-delta), plus the calendars themselves.
import { GraphError } from '../contracts.ts';
import type { RouteContext, RouteResult, UserState } from '../contracts.ts';
import { checkToken, decodeToken, deltaPage, encodeToken, initialToken, type DeltaToken } from './delta.ts';
import type { CalendarFolder } from './model.ts';
import { renderEvent } from './render.ts';
import {
  bodyType, calendarFolder, contextUrl, encodePath, immutableIds, wantsCount, matchesFilter, maxPageSize, nextSkipLink, outputZone, parseFilterParam, parseTopSkip,
  queryParam, renderOptions, sortItems, userOf,
} from './request.ts';
import { calendarOf, newCalendarFolder } from './store.ts';
import { parseWindow, viewItems } from './view.ts';

export function listCalendarView(ctx: RouteContext): RouteResult {
  const user = userOf(ctx);
  const { cal, folder } = calendarFolder(ctx);
  const { fromMs, toMs } = parseWindow(ctx.query);
  const o = renderOptions(ctx);
  const filter = parseFilterParam(ctx.query);
  const { top, skip } = parseTopSkip(ctx.query);
  const items = viewItems(cal, folder.id, fromMs, toMs).filter((it) => matchesFilter(filter, it.ev, user, it));
  sortItems(items, ctx.query, (a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = items.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(ctx, `users('${user.id}')/calendarView`),
    value: page.map((it) => renderEvent(it.ev, user, { ...o, occurrence: it.occurrence })),
  };
  if (wantsCount(ctx)) body['@odata.count'] = items.length;
  if (skip + top < items.length) body['@odata.nextLink'] = nextSkipLink(ctx, skip + top);
  return { status: 200, body };
}

/** Default page size of a delta page when the client sends no `Prefer: odata.maxpagesize`. */
const DEFAULT_DELTA_PAGE = 10;

export function calendarViewDelta(ctx: RouteContext): RouteResult {
  const user = userOf(ctx);
  const { cal, folder } = calendarFolder(ctx);
  const skipToken = queryParam(ctx.query, '$skiptoken');
  const deltaToken = queryParam(ctx.query, '$deltatoken');
  let token: DeltaToken;
  if (skipToken || deltaToken) {
    token = decodeToken(ctx.state, (skipToken ?? deltaToken)!);
    checkToken(token, user, cal, folder);
    if (deltaToken && token.ph !== 'c') throw new GraphError(410, 'SyncStateNotFound', 'The sync state generation is not found; a skip token was sent as a delta token.');
  } else {
    const { fromMs, toMs } = parseWindow(ctx.query);
    token = initialToken(user, cal, folder, fromMs, toMs);
  }
  const pageSize = maxPageSize(ctx, DEFAULT_DELTA_PAGE);
  const tz = outputZone(ctx);
  const body = bodyType(ctx);
  immutableIds(ctx);
  ctx.applyPreference('odata.track-changes');
  const page = deltaPage(cal, folder, token, pageSize);
  const value = page.entries.map((e) =>
    e.kind === 'removed'
      ? { '@odata.type': '#microsoft.graph.event', id: e.id, '@removed': { reason: 'deleted' } }
      : { '@odata.type': '#microsoft.graph.event', ...renderEvent(e.item.ev, user, { tz, bodyType: body, occurrence: e.item.occurrence }) },
  );
  const link = `${ctx.graphBaseUrl}${encodePath(ctx.path)}?${page.done ? '$deltatoken' : '$skiptoken'}=${encodeToken(ctx.state, page.next)}`;
  ctx.markDirty(); // the token secret may have just been created
  return {
    status: 200,
    body: {
      '@odata.context': contextUrl(ctx, 'Collection(event)'),
      [page.done ? '@odata.deltaLink' : '@odata.nextLink']: link,
      value,
    },
  };
}

// ───────────────────────────────────────────────────────── calendars ──

function renderCalendar(c: CalendarFolder, user: UserState): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    color: c.color,
    hexColor: c.hexColor,
    isDefaultCalendar: c.isDefaultCalendar,
    changeKey: c.changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: !c.isDefaultCalendar,
    owner: { name: user.displayName, address: user.mail },
  };
}

export function getCalendar(ctx: RouteContext): RouteResult {
  const user = userOf(ctx);
  const { folder } = calendarFolder(ctx);
  return { status: 200, body: { '@odata.context': contextUrl(ctx, `users('${user.id}')/calendars/$entity`), ...renderCalendar(folder, user) } };
}

export function listCalendars(ctx: RouteContext): RouteResult {
  const user = userOf(ctx);
  const cal = calendarOf(user);
  return {
    status: 200,
    body: { '@odata.context': contextUrl(ctx, `users('${user.id}')/calendars`), value: Object.values(cal.calendars).map((c) => renderCalendar(c, user)) },
  };
}

export function createCalendar(ctx: RouteContext): RouteResult {
  const user = userOf(ctx);
  const cal = calendarOf(user);
  const name = (ctx.body as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || !name.trim()) throw new GraphError(400, 'ErrorInvalidRequest', "The calendar needs a 'name'.");
  if (Object.values(cal.calendars).some((c) => c.name.toLowerCase() === name.toLowerCase())) {
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  }
  const folder = newCalendarFolder(name, false);
  cal.calendars[folder.id] = folder;
  ctx.markDirty();
  return { status: 201, body: { '@odata.context': contextUrl(ctx, `users('${user.id}')/calendars/$entity`), ...renderCalendar(folder, user) } };
}
