// calendarView delta (https://learn.microsoft.com/graph/api/event-delta,
// https://learn.microsoft.com/graph/delta-query-events).
//
// The window is fixed in the token; later calls need no startDateTime/endDateTime. The first round
// returns what is in the window; later rounds return what changed since. As the docs warn, an
// event that is deleted AND one that changed while outside the window (moved out, or created /
// updated outside it) both come back as `{"@removed":{"reason":"deleted"}}`.
//
// Tokens are self-contained (HMAC-signed JSON): the calendar's change sequence number marks the
// sync point, so a page costs O(page) in the change log, not O(calendar). An expired token
// (admin "expire delta tokens") or a forged one → 410 Gone, `SyncStateNotFound`, as Exchange
// answers in practice (https://github.com/microsoftgraph/microsoft-graph-docs/issues/2350).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GraphError } from '../contracts.ts';
import type { EmulatorState, UserState } from '../contracts.ts';
import type { CalendarFolder, CalendarState } from './model.ts';
import { shapeAt } from './store.ts';
import { itemsOfEvent, type ViewItem } from './view.ts';
import type { StoredEvent } from './model.ts';

export interface DeltaToken {
  v: 1;
  /** user id, calendar id */
  u: string;
  c: string;
  /** window */
  s: number;
  e: number;
  /** calendar and mailbox delta epochs at issue */
  ep: number;
  mep: number;
  /** 'i' = initial listing, 'c' = changes */
  ph: 'i' | 'c';
  /** seq the round ends at (undefined on a deltaLink: fixed when the next round starts) */
  to?: number;
  /** 'c': last log seq processed; 'i': last id returned */
  after: number | string;
  /** 'c': the seq the client had synced to when this round began */
  f?: number;
}

function moduleSecret(state: EmulatorState): Buffer {
  const mod = (state.modules.calendar ??= {}) as { tokenSecret?: string };
  if (!mod.tokenSecret) mod.tokenSecret = randomBytes(32).toString('base64');
  return Buffer.from(mod.tokenSecret, 'base64');
}

export function encodeToken(state: EmulatorState, t: DeltaToken): string {
  const payload = Buffer.from(JSON.stringify(t)).toString('base64url');
  const mac = createHmac('sha256', moduleSecret(state)).update(payload).digest('base64url').slice(0, 22);
  return `${payload}.${mac}`;
}

function syncStateNotFound(detail: string): GraphError {
  return new GraphError(410, 'SyncStateNotFound', `The sync state generation is not found; ${detail}.`);
}

export function decodeToken(state: EmulatorState, raw: string): DeltaToken {
  const [payload, mac] = raw.split('.');
  if (!payload || !mac) throw syncStateNotFound('malformed token');
  const expected = createHmac('sha256', moduleSecret(state)).update(payload).digest('base64url').slice(0, 22);
  const a = Buffer.from(mac);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw syncStateNotFound('unknown token');
  try {
    const t = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DeltaToken;
    if (t.v !== 1) throw new Error('version');
    return t;
  } catch {
    throw syncStateNotFound('unreadable token');
  }
}

/** Checks the token belongs to this user/calendar and has not been expired. */
export function checkToken(t: DeltaToken, user: UserState, cal: CalendarState, folder: CalendarFolder): void {
  if (t.u !== user.id || t.c !== folder.id) throw syncStateNotFound('token issued for another calendar');
  if (t.ep !== cal.deltaEpoch || t.mep !== user.mailbox.deltaEpoch) {
    throw syncStateNotFound(`generation=${t.ep};[highest=${cal.deltaEpoch}]`);
  }
}

export type DeltaEntry = { kind: 'item'; item: ViewItem } | { kind: 'removed'; id: string };

export interface DeltaPage {
  entries: DeltaEntry[];
  /** Token for the next page (skiptoken) or, when `done`, for the next round (deltatoken). */
  next: DeltaToken;
  done: boolean;
}

export function initialToken(user: UserState, cal: CalendarState, folder: CalendarFolder, fromMs: number, toMs: number): DeltaToken {
  return { v: 1, u: user.id, c: folder.id, s: fromMs, e: toMs, ep: cal.deltaEpoch, mep: user.mailbox.deltaEpoch, ph: 'i', to: folder.seq, after: '' };
}

/** One page of a round. */
export function deltaPage(cal: CalendarState, folder: CalendarFolder, t: DeltaToken, pageSize: number): DeltaPage {
  return t.ph === 'i' ? initialPage(cal, folder, t, pageSize) : changesPage(cal, folder, t, pageSize);
}

/** The sorted window listing of the last initial sync per calendar, reused while the calendar is
 *  unchanged, so paging through N events costs O(N log N) once rather than per page. */
const listingCache = new WeakMap<CalendarFolder, { key: string; seq: number; items: ViewItem[] }>();

function windowListing(cal: CalendarState, folder: CalendarFolder, fromMs: number, toMs: number): ViewItem[] {
  const key = `${fromMs}|${toMs}`;
  const hit = listingCache.get(folder);
  if (hit && hit.key === key && hit.seq === folder.seq) return hit.items;
  const items: ViewItem[] = [];
  for (const ev of Object.values(cal.events)) {
    if (ev.calendarId !== folder.id || ev.deleted) continue;
    for (const item of itemsOfEvent(ev, fromMs, toMs)) items.push(item);
  }
  items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  listingCache.set(folder, { key, seq: folder.seq, items });
  return items;
}

function initialPage(cal: CalendarState, folder: CalendarFolder, t: DeltaToken, pageSize: number): DeltaPage {
  const after = String(t.after);
  const all = windowListing(cal, folder, t.s, t.e);
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid]!.id <= after) lo = mid + 1;
    else hi = mid;
  }
  const page = all.slice(lo, lo + pageSize);
  const roundEnd = t.to ?? folder.seq;
  if (lo + pageSize < all.length) {
    return { entries: page.map((item) => ({ kind: 'item', item })), next: { ...t, to: roundEnd, after: page[page.length - 1]!.id }, done: false };
  }
  // Listing complete: the next round reports changes after the seq this round started at, so
  // anything changed while we were paging is replayed rather than lost (the docs allow replays).
  return { entries: page.map((item) => ({ kind: 'item', item })), next: { ...t, ph: 'c', to: undefined, after: roundEnd }, done: true };
}

/** First log index with seq > `after` (the log is ascending by seq). */
function firstAfter(log: CalendarFolder['log'], after: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log[mid]!.seq <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ids of the view items a client synced up to `seq` holds for this event. */
function idsSeenAt(ev: StoredEvent, seq: number, fromMs: number, toMs: number): string[] {
  const shape = shapeAt(ev, seq);
  if (!shape) return [];
  return itemsOfEvent({ ...ev, ...shape, deleted: false }, fromMs, toMs).map((i) => i.id);
}

function changesPage(cal: CalendarState, folder: CalendarFolder, t: DeltaToken, pageSize: number): DeltaPage {
  const roundEnd = t.to ?? folder.seq;
  const roundStart = t.f ?? Number(t.after);
  let cursor = Number(t.after);
  const entries: DeltaEntry[] = [];
  for (let i = firstAfter(folder.log, cursor); i < folder.log.length; i++) {
    const entry = folder.log[i]!;
    if (entry.seq > roundEnd) break;
    if (entries.length >= pageSize) {
      return { entries, next: { ...t, to: roundEnd, after: cursor, f: roundStart }, done: false };
    }
    cursor = entry.seq;
    const ev = cal.events[entry.id];
    // Only an event's latest change counts; a change after the round's end is the next round's.
    if (!ev || ev.seq !== entry.seq) continue;
    const now = ev.deleted ? [] : itemsOfEvent(ev, t.s, t.e);
    const nowIds = new Set(now.map((x) => x.id));
    // Occurrences the client holds that no longer exist (series moved, re-patterned, deleted).
    for (const id of idsSeenAt(ev, roundStart, t.s, t.e)) {
      if (!nowIds.has(id) && id !== ev.id) entries.push({ kind: 'removed', id });
    }
    if (now.length === 0) {
      // Deleted, or outside the window now: both are "@removed deleted", as the docs warn.
      entries.push({ kind: 'removed', id: ev.id });
      continue;
    }
    if (!nowIds.has(ev.id) && idsSeenAt(ev, roundStart, t.s, t.e).includes(ev.id)) entries.push({ kind: 'removed', id: ev.id });
    for (const item of now) entries.push({ kind: 'item', item });
  }
  return { entries, next: { ...t, to: undefined, after: roundEnd, f: undefined }, done: true };
}
