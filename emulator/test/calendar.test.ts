// Calendar conformance: the unmodified Microsoft Graph JS SDK against the emulator over HTTPS.
import { ResponseType, type Client, type GraphError as SdkGraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb as upn, repairs, startHarness, type Harness } from './helpers.ts';

const bookingRefProp = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name BookingRef';

let h: Harness;
let client: Client;

async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const res = await h.admin(method, path, body);
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.body;
}

async function graphError(p: Promise<unknown>): Promise<SdkGraphError> {
  try {
    await p;
  } catch (e) {
    return e as SdkGraphError;
  }
  throw new Error('expected the request to fail');
}

const ev = (subject: string, start: string, end: string, timeZone = 'UTC', extra: Record<string, unknown> = {}) => ({
  subject,
  start: { dateTime: start, timeZone },
  end: { dateTime: end, timeZone },
  ...extra,
});

// Tokens come from msal-node (client secret) through the shared harness; the SDK is unmodified.
beforeAll(async () => {
  h = await startHarness({ smtpPort: false });
  client = h.graph();
});

afterAll(async () => {
  await h?.stop();
});

describe('events', () => {
  it('creates one event when the same transactionId is posted twice', async () => {
    const body = ev('Tenancy visit', '2026-04-01T10:00:00', '2026-04-01T11:00:00', 'GMT Standard Time', { transactionId: 'booking-771-create' });
    const first = await client.api(`/users/${upn}/events`).post(body);
    const second = await client.api(`/users/${upn}/events`).post(body);
    expect(second.id).toBe(first.id);
    expect(second.transactionId).toBe('booking-771-create');
    const found = await client.api(`/users/${upn}/events`).filter("subject eq 'Tenancy visit'").count(true).get();
    expect(found.value).toHaveLength(1);
    expect(found['@odata.count']).toBe(1);
  });

  it('makes a retry after a lost response safe: the create happened, the retry with the same transactionId returns it', async () => {
    // The server performs the request, then drops the connection without answering.
    const fault = await admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/events$', kind: 'accept-then-drop', count: 1 });
    expect(fault.id).toBeTruthy();
    const body = ev('Gas check', '2026-04-05T08:00:00', '2026-04-05T09:00:00', 'GMT Standard Time', { transactionId: 'booking-902-create' });
    await expect(client.api(`/users/${upn}/events`).post(body)).rejects.toBeTruthy();
    const before = await client.api(`/users/${upn}/events`).filter("subject eq 'Gas check'").get();
    expect(before.value).toHaveLength(1); // the lost request did create it
    const retried = await client.api(`/users/${upn}/events`).post(body);
    const all = await client.api(`/users/${upn}/events`).filter("subject eq 'Gas check'").get();
    expect(all.value.map((e: { id: string }) => e.id)).toEqual([before.value[0].id]);
    expect(retried.id).toBe(before.value[0].id);
  });

  it('returns the Graph event shape, changes changeKey on PATCH, and 404s after DELETE', async () => {
    const created = await client.api(`/users/${upn}/calendar/events`).post(ev('Repair', '2026-04-02T09:00:00', '2026-04-02T09:30:00', 'UTC', {
      body: { contentType: 'HTML', content: '<p>Boiler <b>not</b> working</p>' },
      location: { displayName: '12 Acacia Avenue' },
    }));
    expect(created).toMatchObject({
      type: 'singleInstance', isOrganizer: true, bodyPreview: 'Boiler not working', showAs: 'busy',
      originalStartTimeZone: 'UTC', start: { dateTime: '2026-04-02T09:00:00.0000000', timeZone: 'UTC' },
      location: { displayName: '12 Acacia Avenue' }, locations: [{ displayName: '12 Acacia Avenue' }],
      organizer: { emailAddress: { address: upn } },
    });
    expect(created.iCalUId).toMatch(/^040000008200E00074C5B7101A82E008/);
    expect(created['@odata.etag']).toBe(`W/"${created.changeKey}"`);

    const patched = await client.api(`/users/${upn}/events/${created.id}`).patch({ subject: 'Repair (urgent)' });
    expect(patched.subject).toBe('Repair (urgent)');
    expect(patched.changeKey).not.toBe(created.changeKey);

    await client.api(`/users/${upn}/events/${created.id}`).delete();
    const err = await graphError(client.api(`/users/${upn}/events/${created.id}`).get());
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ErrorItemNotFound');
    const malformed = await graphError(client.api(`/users/${upn}/events/not-an-id`).get());
    expect(malformed.statusCode).toBe(400);
    expect(malformed.code).toBe('ErrorInvalidIdMalformed');
  });

  it('stores a single-value extended property and finds the event by it with $filter and $expand', async () => {
    const created = await client.api(`/users/${upn}/events`).post(ev('Estate walkabout', '2026-04-03T13:00:00', '2026-04-03T14:00:00', 'UTC', {
      singleValueExtendedProperties: [{ id: bookingRefProp, value: 'BK-1001' }],
    }));
    await client.api(`/users/${upn}/events`).post(ev('Other', '2026-04-03T15:00:00', '2026-04-03T16:00:00', 'UTC', {
      singleValueExtendedProperties: [{ id: bookingRefProp, value: 'BK-1002' }],
    }));
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${bookingRefProp}' and ep/value eq 'BK-1001')`;
    const res = await client.api(`/users/${upn}/events`).filter(filter).expand(`singleValueExtendedProperties($filter=id eq '${bookingRefProp}')`).get();
    expect(res.value.map((e: { id: string }) => e.id)).toEqual([created.id]);
    expect(res.value[0].singleValueExtendedProperties).toEqual([{ id: bookingRefProp, value: 'BK-1001' }]);

    // Set by PATCH, then read back; without $expand the property is not in the body.
    await client.api(`/users/${upn}/events/${created.id}`).patch({ singleValueExtendedProperties: [{ id: bookingRefProp, value: 'BK-2001' }] });
    const plain = await client.api(`/users/${upn}/events/${created.id}`).get();
    expect(plain.singleValueExtendedProperties).toBeUndefined();
    const again = await client.api(`/users/${upn}/events`).filter(filter.replace('BK-1001', 'BK-2001')).get();
    expect(again.value.map((e: { id: string }) => e.id)).toEqual([created.id]);
  });

  it('answers in the Prefer: outlook.timezone zone, exact across the UK clock changes', async () => {
    // 10:00 London on the Saturday before and the Monday after 29 March 2026 (GMT → BST),
    // and either side of 25 October 2026 (BST → GMT).
    const days = ['2026-03-28', '2026-03-30', '2026-10-24', '2026-10-26'];
    const ids: string[] = [];
    for (const d of days) {
      const e = await client.api(`/users/${upn}/events`).post(ev(`Clinic ${d}`, `${d}T10:00:00`, `${d}T11:00:00`, 'GMT Standard Time'));
      ids.push(e.id);
    }
    const utc = await Promise.all(ids.map((id) => client.api(`/users/${upn}/events/${id}`).get()));
    expect(utc.map((e) => e.start.dateTime)).toEqual([
      '2026-03-28T10:00:00.0000000', '2026-03-30T09:00:00.0000000', '2026-10-24T09:00:00.0000000', '2026-10-26T10:00:00.0000000',
    ]);
    expect(utc.every((e) => e.start.timeZone === 'UTC' && e.originalStartTimeZone === 'GMT Standard Time')).toBe(true);

    const london = await Promise.all(ids.map((id) => client.api(`/users/${upn}/events/${id}`).header('Prefer', 'outlook.timezone="GMT Standard Time"').get()));
    expect(london.map((e) => `${e.start.dateTime} ${e.start.timeZone}`)).toEqual(days.map((d) => `${d}T10:00:00.0000000 GMT Standard Time`));

    const raw = (await client.api(`/users/${upn}/events/${ids[1]}`).header('Prefer', 'outlook.timezone="Europe/London"').responseType(ResponseType.RAW).get()) as Response;
    expect(raw.headers.get('preference-applied')).toBe('outlook.timezone="Europe/London"');
    expect((await raw.json()).end).toEqual({ dateTime: '2026-03-30T11:00:00.0000000', timeZone: 'Europe/London' });

    const pacific = await client.api(`/users/${upn}/events/${ids[1]}`).header('Prefer', 'outlook.timezone="Pacific Standard Time"').get();
    expect(pacific.start).toEqual({ dateTime: '2026-03-30T02:00:00.0000000', timeZone: 'Pacific Standard Time' });
  });

  it('rejects a time zone Graph does not know', async () => {
    const err = await graphError(client.api(`/users/${upn}/events`).post(ev('Bad zone', '2026-04-01T10:00:00', '2026-04-01T11:00:00', 'Mars Standard Time')));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('TimeZoneNotSupportedException');
  });
});

describe('calendarView', () => {
  it('requires startDateTime and endDateTime', async () => {
    const err = await graphError(client.api(`/users/${upn}/calendarView`).get());
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('ErrorInvalidParameter');
  });

  it('lists events overlapping the window, and expands a weekly series into occurrences', async () => {
    const week = await client.api(`/users/${upn}/events`).post(ev('Weekly surgery', '2026-06-01T10:00:00', '2026-06-01T11:00:00', 'GMT Standard Time', {
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] }, range: { type: 'numbered', startDate: '2026-06-01', numberOfOccurrences: 3 } },
    }));
    expect(week.type).toBe('seriesMaster');
    const view = await client.api(`/users/${upn}/calendarView`).query({ startDateTime: '2026-06-01T00:00:00Z', endDateTime: '2026-06-30T00:00:00Z' }).get();
    const occ = view.value.filter((e: { seriesMasterId: string }) => e.seriesMasterId === week.id);
    expect(occ.map((e: { start: { dateTime: string } }) => e.start.dateTime)).toEqual([
      '2026-06-01T09:00:00.0000000', '2026-06-08T09:00:00.0000000', '2026-06-15T09:00:00.0000000',
    ]);
    expect(occ.every((e: { type: string }) => e.type === 'occurrence')).toBe(true);
    // Each occurrence has its own iCalUId (the docs: "different for each occurrence").
    expect(new Set([week.iCalUId, ...occ.map((e: { iCalUId: string }) => e.iCalUId)]).size).toBe(4);
    const one = await client.api(`/users/${upn}/events/${occ[1].id}`).get();
    expect(one.seriesMasterId).toBe(week.id);
  });
});

describe('calendarView delta', () => {
  const window = { startDateTime: '2026-09-01T00:00:00Z', endDateTime: '2026-10-01T00:00:00Z' };

  async function syncRound(firstUrl: string, query?: Record<string, string>) {
    const seen: any[] = [];
    let res = await client.api(firstUrl).query(query ?? {}).header('Prefer', 'odata.maxpagesize=2').get();
    let pages = 1;
    seen.push(...res.value);
    while (res['@odata.nextLink']) {
      res = await client.api(res['@odata.nextLink']).header('Prefer', 'odata.maxpagesize=2').get();
      seen.push(...res.value);
      pages++;
    }
    return { seen, deltaLink: res['@odata.deltaLink'] as string, pages };
  }

  it('reports a move out of the window as @removed, a move within it as a change, and deletes as @removed', async () => {
    const mk = (s: string, d: string) => client.api(`/users/${upn}/events`).post(ev(s, `${d}T10:00:00`, `${d}T11:00:00`, 'GMT Standard Time'));
    const movedOut = await mk('Moves out', '2026-09-02');
    const movedWithin = await mk('Moves within', '2026-09-03');
    const deleted = await mk('Deleted', '2026-09-04');
    const untouched = await mk('Untouched', '2026-09-05');
    const outside = await mk('Comes in', '2026-11-05');

    const first = await syncRound(`/users/${upn}/calendarView/delta`, window);
    expect(first.pages).toBeGreaterThan(1);
    expect(first.seen.map((e) => e.id).sort()).toEqual([movedOut.id, movedWithin.id, deleted.id, untouched.id].sort());
    expect(first.deltaLink).toContain('$deltatoken=');

    // A Graph PATCH moves one out; the owner (admin API) moves one within the window and one into it.
    await client.api(`/users/${upn}/events/${movedOut.id}`).patch({
      start: { dateTime: '2026-12-01T10:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2026-12-01T11:00:00', timeZone: 'GMT Standard Time' },
    });
    await admin('POST', `/users/${upn}/events/${movedWithin.id}/move`, { startDateTime: '2026-09-20T14:00:00Z', endDateTime: '2026-09-20T15:00:00Z' });
    await admin('POST', `/users/${upn}/events/${outside.id}/move`, { startDateTime: '2026-09-21T14:00:00Z' });
    await client.api(`/users/${upn}/events/${deleted.id}`).delete();

    const second = await syncRound(first.deltaLink);
    const byId = new Map(second.seen.map((e) => [e.id, e]));
    expect(byId.get(movedOut.id)).toEqual({ '@odata.type': '#microsoft.graph.event', id: movedOut.id, '@removed': { reason: 'deleted' } });
    expect(byId.get(deleted.id)?.['@removed']).toEqual({ reason: 'deleted' });
    expect(byId.get(movedWithin.id)).toMatchObject({ subject: 'Moves within', start: { dateTime: '2026-09-20T14:00:00.0000000', timeZone: 'UTC' } });
    expect(byId.get(movedWithin.id)?.['@removed']).toBeUndefined();
    expect(byId.get(outside.id)).toMatchObject({ subject: 'Comes in' });
    expect(byId.has(untouched.id)).toBe(false);

    // Nothing changed since: the next round is empty.
    const third = await syncRound(second.deltaLink);
    expect(third.seen).toEqual([]);

    // Expired tokens force a full resync: 410 SyncStateNotFound.
    await admin('POST', '/calendar/expire-tokens', { user: upn });
    const err = await graphError(client.api(third.deltaLink).get());
    expect(err.statusCode).toBe(410);
    expect(err.code).toBe('SyncStateNotFound');
  });

  it('is also expired by the mailbox-wide "expire delta tokens" admin action', async () => {
    const round = await syncRound(`/users/${upn}/calendarView/delta`, window);
    expect((await client.api(round.deltaLink).get()).value).toEqual([]);
    await admin('POST', '/delta/expire', { user: upn });
    const err = await graphError(client.api(round.deltaLink).get());
    expect(err.statusCode).toBe(410);
    expect(err.code).toBe('SyncStateNotFound');
    // A fresh initial sync works again.
    expect((await syncRound(`/users/${upn}/calendarView/delta`, window)).deltaLink).toContain('$deltatoken=');
  });

  it('uses the Prefer time zone in delta pages and echoes the preferences applied', async () => {
    await client.api(`/users/${upn}/events`).post(ev('Delta tz', '2026-09-10T10:00:00', '2026-09-10T11:00:00', 'GMT Standard Time'));
    const raw = (await client.api(`/users/${upn}/calendarView/delta`).query(window)
      .header('Prefer', 'outlook.timezone="GMT Standard Time", odata.maxpagesize=50').responseType(ResponseType.RAW).get()) as Response;
    const applied = raw.headers.get('preference-applied') ?? '';
    expect(applied).toContain('odata.maxpagesize=50');
    expect(applied).toContain('outlook.timezone="GMT Standard Time"');
    const body = await raw.json();
    const e = body.value.find((x: { subject?: string }) => x.subject === 'Delta tz');
    expect(e.start).toEqual({ dateTime: '2026-09-10T10:00:00.0000000', timeZone: 'GMT Standard Time' });
  });
});

describe('meetings', () => {
  it('invites attendees on create and sends a cancellation on cancel (202), after which the event is gone', async () => {
    const outside = 'tenant.smith@example.org';
    const meeting = await client.api(`/users/${upn}/events`).post(ev('Tenancy sign-up', '2026-04-20T14:00:00', '2026-04-20T15:00:00', 'GMT Standard Time', {
      location: { displayName: 'Housing office' },
      attendees: [
        { emailAddress: { address: repairs, name: 'Repairs Team' }, type: 'required' },
        { emailAddress: { address: outside, name: 'Ms Smith' }, type: 'required' },
      ],
    }));
    expect(meeting.attendees[0]).toMatchObject({ type: 'required', status: { response: 'none' }, emailAddress: { address: repairs } });

    const inbox = async () => (await client.api(`/users/${repairs}/mailFolders/inbox/messages`).top(50).get()).value.map((m: { subject: string }) => m.subject);
    expect(await inbox()).toContain('Tenancy sign-up');
    const outbound = (await admin('GET', '/outbound')).value;
    expect(outbound.some((o: { to: string[]; subject: string }) => o.subject === 'Tenancy sign-up' && o.to.includes(outside))).toBe(true);

    const raw = (await client.api(`/users/${upn}/events/${meeting.id}/cancel`).responseType(ResponseType.RAW).post({ comment: 'Office closed' })) as Response;
    expect(raw.status).toBe(202);
    expect(await inbox()).toContain('Canceled: Tenancy sign-up');
    expect((await graphError(client.api(`/users/${upn}/events/${meeting.id}`).get())).statusCode).toBe(404);
  });

  it('puts a tentative copy in a tenant attendee’s calendar that follows the organizer, and carries the attendee’s answer back', async () => {
    const meeting = await client.api(`/users/${upn}/events`).post(ev('Case review', '2026-04-22T09:00:00', '2026-04-22T10:00:00', 'GMT Standard Time', {
      attendees: [{ emailAddress: { address: repairs, name: 'Repairs Team' }, type: 'required' }],
    }));
    const copies = await client.api(`/users/${repairs}/events`).filter(`iCalUId eq '${meeting.iCalUId}'`).get();
    expect(copies.value).toHaveLength(1);
    const copy = copies.value[0];
    expect(copy).toMatchObject({
      isOrganizer: false, showAs: 'tentative', responseStatus: { response: 'notResponded' },
      organizer: { emailAddress: { address: upn } }, start: meeting.start,
    });
    expect(copy.id).not.toBe(meeting.id);

    // The attendee accepts: 202, and the organizer's event records it under a new changeKey.
    const accepted = (await client.api(`/users/${repairs}/events/${copy.id}/accept`).responseType(ResponseType.RAW).post({ comment: 'See you there', sendResponse: true })) as Response;
    expect(accepted.status).toBe(202);
    const organizerView = await client.api(`/users/${upn}/events/${meeting.id}`).get();
    expect(organizerView.attendees[0].status.response).toBe('accepted');
    expect(organizerView.changeKey).not.toBe(meeting.changeKey);
    expect((await client.api(`/users/${repairs}/events/${copy.id}`).get()).responseStatus.response).toBe('accepted');
    const organizerInbox = (await client.api(`/users/${upn}/mailFolders/inbox/messages`).top(50).get()).value.map((m: { subject: string }) => m.subject);
    expect(organizerInbox).toContain('Accepted: Case review');

    // The organizer moves it; the copy follows. Then cancels; the copy is marked cancelled.
    await client.api(`/users/${upn}/events/${meeting.id}`).patch({
      start: { dateTime: '2026-04-23T09:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2026-04-23T10:00:00', timeZone: 'GMT Standard Time' },
    });
    expect((await client.api(`/users/${repairs}/events/${copy.id}`).get()).start.dateTime).toBe('2026-04-23T08:00:00.0000000');
    await client.api(`/users/${upn}/events/${meeting.id}/cancel`).post({});
    expect(await client.api(`/users/${repairs}/events/${copy.id}`).get()).toMatchObject({ isCancelled: true, subject: 'Canceled: Case review' });
  });

  it('returns the body as text with Prefer: outlook.body-content-type="text"', async () => {
    const created = await client.api(`/users/${upn}/events`).post(ev('Html body', '2026-04-21T10:00:00', '2026-04-21T10:30:00', 'UTC', {
      body: { contentType: 'HTML', content: '<html><body><p>Bring <b>ID</b> &amp; proof of address</p></body></html>' },
    }));
    const raw = (await client.api(`/users/${upn}/events/${created.id}`).header('Prefer', 'outlook.body-content-type="text"').responseType(ResponseType.RAW).get()) as Response;
    expect(raw.headers.get('preference-applied')).toBe('outlook.body-content-type="text"');
    expect((await raw.json()).body).toEqual({ contentType: 'text', content: 'Bring ID & proof of address' });
  });
});

describe('owner actions through the admin API', () => {
  it('makes an event all-day and recurring, each a new changeKey', async () => {
    const created = await client.api(`/users/${upn}/events`).post(ev('Site visit', '2026-05-05T09:30:00', '2026-05-05T10:30:00', 'GMT Standard Time'));
    const allDay = await admin('POST', `/users/${upn}/events/${created.id}/all-day`);
    // All-day events are floating dates: midnight of the day, whatever zone the response uses.
    expect(allDay).toMatchObject({ isAllDay: true, start: { dateTime: '2026-05-05T00:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-05-06T00:00:00.0000000', timeZone: 'UTC' } });
    expect(allDay.changeKey).not.toBe(created.changeKey);
    const series = await admin('POST', `/users/${upn}/events/${created.id}/recurring`, { pattern: 'weekly', count: 2 });
    expect(series.type).toBe('seriesMaster');
    expect(series.changeKey).not.toBe(allDay.changeKey);
    const fetched = await client.api(`/users/${upn}/events/${created.id}`).header('Prefer', 'outlook.timezone="Pacific Standard Time"').get();
    expect(fetched).toMatchObject({ isAllDay: true, type: 'seriesMaster', start: { dateTime: '2026-05-05T00:00:00.0000000', timeZone: 'Pacific Standard Time' } });
    expect(fetched.recurrence.pattern).toMatchObject({ type: 'weekly', daysOfWeek: ['tuesday'] });
  });
});
