/**
 * CalendarGateway over Graph. Times are requested in UTC (`Prefer: outlook.timezone="UTC"`) so the
 * app compares instants; events are written with Windows zone names, which Graph always accepts.
 * https://learn.microsoft.com/graph/api/user-post-events, /event-delta (calendarView delta)
 */
import type * as MSGraph from '@microsoft/microsoft-graph-types';
import type { CalendarChange, CalendarEvent, CalendarEventInput, CalendarGateway, DeltaPage } from '../../app/ports/graph.ts';
import { GraphNotFound } from './errors.ts';
import { markerFilter, markerPropertyId, odataString, toCalendarChange, toCalendarEvent, toGraphEvent } from './mappers.ts';
import { allPages, deltaPages } from './paging.ts';
import type { GraphTransport } from './transport.ts';

const utc = 'outlook.timezone="UTC"';
// '@' stays bare: Graph takes UPNs in paths as they are, and its nextLinks keep them that way.
const seg = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
const markerExpand = `singleValueExtendedProperties($filter=id eq ${odataString(markerPropertyId)})`;

export function createCalendarGateway(t: GraphTransport): CalendarGateway {
  const events = (mailbox: string) => `/users/${seg(mailbox)}/events`;

  return {
    async createEvent(mailbox: string, input: CalendarEventInput): Promise<CalendarEvent> {
      // With a transactionId Graph answers a repeated create with the first event, so a retry is safe.
      const res = await t.json<MSGraph.Event>({ method: 'POST', path: events(mailbox), mailbox, body: toGraphEvent(input), prefer: [utc], idempotent: !!input.transactionId });
      return { ...toCalendarEvent(res.body), marker: input.marker ?? toCalendarEvent(res.body).marker };
    },

    async updateEvent(mailbox: string, id: string, patch: Partial<CalendarEventInput>, opts: { ifMatch?: string } = {}): Promise<CalendarEvent> {
      const { transactionId: _ignored, ...rest } = patch;
      const res = await t.json<MSGraph.Event>({
        method: 'PATCH',
        path: `${events(mailbox)}/${seg(id)}`,
        mailbox,
        body: toGraphEvent(rest),
        prefer: [utc],
        headers: opts.ifMatch ? { 'if-match': opts.ifMatch } : undefined,
        // Not retried in place after a time-out or a 5xx: one PATCH is idempotent alone, but an attempt
        // whose answer was lost may still land after a newer PATCH of the same event and undo it. The
        // failure goes to the caller, which records the write as unconfirmed (the calendar sync then
        // knows it for ours if it lands late) and retries it through the outbox. 429s are still waited
        // out here (Graph did not take the request).
        idempotent: false,
      });
      return toCalendarEvent(res.body);
    },

    async deleteEvent(mailbox: string, id: string) {
      await t.json({ method: 'DELETE', path: `${events(mailbox)}/${seg(id)}`, mailbox });
    },

    async cancelEvent(mailbox: string, id: string, comment?: string) {
      await t.json({ method: 'POST', path: `${events(mailbox)}/${seg(id)}/cancel`, mailbox, body: comment ? { comment } : {}, idempotent: true });
    },

    async getEvent(mailbox: string, id: string): Promise<CalendarEvent | undefined> {
      try {
        const res = await t.json<MSGraph.Event>({ method: 'GET', path: `${events(mailbox)}/${seg(id)}?${new URLSearchParams({ $expand: markerExpand })}`, mailbox, prefer: [utc] });
        return toCalendarEvent(res.body);
      } catch (e) {
        if (e instanceof GraphNotFound) return undefined;
        throw e;
      }
    },

    async findEventsByMarker(mailbox: string, marker: string): Promise<CalendarEvent[]> {
      const q = new URLSearchParams({ $filter: markerFilter(marker), $expand: markerExpand });
      const out: CalendarEvent[] = [];
      for await (const e of allPages<MSGraph.Event>(t, mailbox, `${events(mailbox)}?${q}`, [utc])) out.push(toCalendarEvent(e));
      return out;
    },

    calendarViewDelta(mailbox: string, window: { start: Date; end: Date }, cursor?: string, opts: { pageSize?: number } = {}): AsyncIterable<DeltaPage<CalendarChange>> {
      const first = cursor ?? `/users/${seg(mailbox)}/calendarView/delta?${new URLSearchParams({ startDateTime: window.start.toISOString(), endDateTime: window.end.toISOString() })}`;
      return deltaPages<MSGraph.Event, CalendarChange>(t, mailbox, first, toCalendarChange, [utc, `odata.maxpagesize=${opts.pageSize ?? 50}`]);
    },
  };
}
