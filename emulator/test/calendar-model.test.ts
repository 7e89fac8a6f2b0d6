// The calendar store, calendarView delta paging and recurrence expansion, as pure functions.
import { describe, expect, it } from 'vitest';
import type { ChangeEvent, EmulatorState } from '../src/contracts.ts';
import { deltaPage, decodeToken, encodeToken, initialToken, checkToken, type DeltaEntry } from '../src/calendar/delta.ts';
import { applyEventInput, blankEvent } from '../src/calendar/event-input.ts';
import { expandOccurrences } from '../src/calendar/recurrence.ts';
import { calendarOf, eventChanged, insertEvent, newEventId, removeEvent } from '../src/calendar/store.ts';
import { createUser } from '../src/state.ts';

function setup() {
  const user = createUser({ userPrincipalName: 'asb@housingorganisation.co.uk', displayName: 'ASB Team' });
  const state = { version: 1, tenant: { id: 't', domain: 'housingorganisation.co.uk' }, apps: [], users: { [user.id]: user }, outbound: [], modules: {}, clockOffsetMs: 0 } as EmulatorState;
  const cal = calendarOf(user);
  const folder = cal.calendars[cal.defaultCalendarId]!;
  const feed: ChangeEvent[] = [];
  const emit = (c: ChangeEvent) => feed.push(c);
  const add = (subject: string, start: string, end: string, extra: Record<string, unknown> = {}) => {
    const ev = blankEvent(user, newEventId(), '2026-01-01T00:00:00Z');
    applyEventInput(ev, { subject, start: { dateTime: start, timeZone: 'UTC' }, end: { dateTime: end, timeZone: 'UTC' }, ...extra }, true);
    return insertEvent(user, folder, ev, emit);
  };
  return { user, state, cal, folder, feed, emit, add };
}

const ids = (entries: DeltaEntry[]) => entries.map((e) => (e.kind === 'removed' ? `-${e.id}` : e.item.id));

describe('calendarView delta paging', () => {
  it('lists the window in pages, then reports moved-out and deleted events as removed and moved-in ones as items', () => {
    const { user, state, cal, folder, emit, add } = setup();
    const inside = [1, 2, 3].map((d) => add(`in ${d}`, `2026-03-0${d}T10:00:00`, `2026-03-0${d}T11:00:00`));
    const outside = add('out', '2026-05-01T10:00:00', '2026-05-01T11:00:00');
    const from = Date.parse('2026-03-01T00:00:00Z');
    const to = Date.parse('2026-04-01T00:00:00Z');

    let token = initialToken(user, cal, folder, from, to);
    const seen: string[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const page = deltaPage(cal, folder, decodeToken(state, encodeToken(state, token)), 2);
      seen.push(...ids(page.entries));
      token = page.next;
      if (page.done) break;
    }
    expect(seen.sort()).toEqual(inside.map((e) => e.id).sort());
    expect(token.ph).toBe('c');

    // Move one out, delete one, move the outside one in, touch one that stays.
    inside[0]!.startMs = Date.parse('2026-06-01T10:00:00Z');
    inside[0]!.endMs = Date.parse('2026-06-01T11:00:00Z');
    eventChanged(user, inside[0]!, '2026-01-02T00:00:00Z', emit);
    removeEvent(user, inside[1]!, emit);
    outside.startMs = Date.parse('2026-03-15T10:00:00Z');
    outside.endMs = Date.parse('2026-03-15T11:00:00Z');
    eventChanged(user, outside, '2026-01-02T00:00:00Z', emit);
    inside[2]!.subject = 'renamed';
    eventChanged(user, inside[2]!, '2026-01-02T00:00:00Z', emit);

    const round2 = deltaPage(cal, folder, token, 50);
    expect(round2.done).toBe(true);
    expect(ids(round2.entries)).toEqual([`-${inside[0]!.id}`, `-${inside[1]!.id}`, outside.id, inside[2]!.id]);

    // Nothing changed since: an empty round.
    const round3 = deltaPage(cal, folder, round2.next, 50);
    expect(round3.entries).toEqual([]);
  });

  it('reports an event changed several times once per round', () => {
    const { user, cal, folder, emit, add } = setup();
    const ev = add('a', '2026-03-02T10:00:00', '2026-03-02T11:00:00');
    const from = Date.parse('2026-03-01T00:00:00Z');
    const to = Date.parse('2026-04-01T00:00:00Z');
    const first = deltaPage(cal, folder, initialToken(user, cal, folder, from, to), 10);
    for (let i = 0; i < 5; i++) {
      ev.subject = `v${i}`;
      eventChanged(user, ev, '2026-01-02T00:00:00Z', emit);
    }
    const next = deltaPage(cal, folder, first.next, 10);
    expect(ids(next.entries)).toEqual([ev.id]);
  });

  it('refuses a token once the calendar epoch moved on (expired) or when forged', () => {
    const { user, state, cal, folder } = setup();
    const t = initialToken(user, cal, folder, 0, 1);
    const raw = encodeToken(state, t);
    cal.deltaEpoch++;
    expect(() => checkToken(decodeToken(state, raw), user, cal, folder)).toThrow(/sync state/);
    const forged = Buffer.from(JSON.stringify({ ...t, ep: cal.deltaEpoch })).toString('base64url') + '.' + raw.split('.')[1];
    expect(() => decodeToken(state, forged)).toThrow(/sync state/);
  });
});

describe('calendarView delta with series', () => {
  const from = Date.parse('2026-03-01T00:00:00Z');
  const to = Date.parse('2026-04-01T00:00:00Z');
  const weekly = (startDate: string, day: string) => ({
    pattern: { type: 'weekly', interval: 1, daysOfWeek: [day] },
    range: { type: 'numbered', startDate, numberOfOccurrences: 3 },
  });

  function syncAll(s: ReturnType<typeof setup>) {
    const first = deltaPage(s.cal, s.folder, initialToken(s.user, s.cal, s.folder, from, to), 100);
    return { ids: ids(first.entries), next: first.next };
  }

  it('removes the occurrences a client holds when the series moves, and lists the new ones', () => {
    const s = setup();
    const ev = s.add('Surgery', '2026-03-02T10:00:00', '2026-03-02T11:00:00', { recurrence: weekly('2026-03-02', 'monday') });
    const before = syncAll(s);
    expect(before.ids).toHaveLength(3);
    applyEventInput(ev, {
      start: { dateTime: '2026-03-03T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-03T11:00:00', timeZone: 'UTC' },
      recurrence: weekly('2026-03-03', 'tuesday'),
    }, false);
    eventChanged(s.user, ev, '2026-01-02T00:00:00Z', s.emit);
    const after = deltaPage(s.cal, s.folder, before.next, 100);
    const removed = ids(after.entries).filter((x) => x.startsWith('-')).map((x) => x.slice(1));
    const added = ids(after.entries).filter((x) => !x.startsWith('-'));
    expect(removed.sort()).toEqual([...before.ids].sort());
    expect(added).toEqual([`${ev.id}_20260303`, `${ev.id}_20260310`, `${ev.id}_20260317`]);
  });

  it('removes the single instance when it becomes a series, and every occurrence when the series is deleted', () => {
    const s = setup();
    const ev = s.add('Visit', '2026-03-02T10:00:00', '2026-03-02T11:00:00');
    const round1 = syncAll(s);
    expect(round1.ids).toEqual([ev.id]);
    applyEventInput(ev, { recurrence: weekly('2026-03-02', 'monday') }, false);
    eventChanged(s.user, ev, '2026-01-02T00:00:00Z', s.emit);
    const round2 = deltaPage(s.cal, s.folder, round1.next, 100);
    expect(ids(round2.entries)).toEqual([`-${ev.id}`, `${ev.id}_20260302`, `${ev.id}_20260309`, `${ev.id}_20260316`]);
    removeEvent(s.user, ev, s.emit);
    const round3 = deltaPage(s.cal, s.folder, round2.next, 100);
    expect(ids(round3.entries).sort()).toEqual([`-${ev.id}`, `-${ev.id}_20260302`, `-${ev.id}_20260309`, `-${ev.id}_20260316`].sort());
  });
});

describe('recurrence expansion', () => {
  it('keeps a weekly 10:00 London series at 10:00 local across the March change', () => {
    const { user, folder, emit } = setup();
    const ev = blankEvent(user, newEventId(), '2026-01-01T00:00:00Z');
    applyEventInput(ev, {
      subject: 'Surgery',
      start: { dateTime: '2026-03-16T10:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2026-03-16T11:00:00', timeZone: 'GMT Standard Time' },
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] }, range: { type: 'numbered', startDate: '2026-03-16', numberOfOccurrences: 4 } },
    }, true);
    insertEvent(user, folder, ev, emit);
    const occ = expandOccurrences(ev, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'));
    expect(occ.map((o) => new Date(o.startMs).toISOString())).toEqual([
      '2026-03-16T10:00:00.000Z',
      '2026-03-23T10:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
      '2026-04-06T09:00:00.000Z',
    ]);
  });

  it('expands a daily series only inside the window and stops at its end date', () => {
    const { user } = setup();
    const ev = blankEvent(user, newEventId(), '2026-01-01T00:00:00Z');
    applyEventInput(ev, {
      start: { dateTime: '2026-03-01T08:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-01T08:30:00', timeZone: 'UTC' },
      recurrence: { pattern: { type: 'daily', interval: 2 }, range: { type: 'endDate', startDate: '2026-03-01', endDate: '2026-03-09' } },
    }, true);
    const occ = expandOccurrences(ev, Date.parse('2026-03-02T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z'));
    expect(occ.map((o) => new Date(o.startMs).toISOString().slice(0, 10))).toEqual(['2026-03-03', '2026-03-05', '2026-03-07', '2026-03-09']);
  });
});
