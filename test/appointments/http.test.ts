// The appointment API and pages over a real HTTP server: set-up by an admin, booking / moving /
// cancelling by an officer, refusals carrying the rule's message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { WebClient, startWebFixture, type WebFixture } from '../http/web-client.ts';

let f: WebFixture;
let admin: WebClient;
let officer: WebClient;
const api = (c: WebClient, token: string, method: string, path: string, body?: unknown) => c.json(method, `/api/v1${path}`, body, { authorization: `Bearer ${token}` });
const day = (n: number) => DateTime.now().setZone('Europe/London').plus({ days: n }).toISODate()!;
const at = (d: string, hhmm: string) => DateTime.fromISO(`${d}T${hhmm}`, { zone: 'Europe/London' }).toUTC().toISO()!;

beforeAll(async () => {
  f = await startWebFixture();
  admin = new WebClient(f.baseUrl);
  await admin.signIn('alice', f.adminPassword);
  officer = new WebClient(f.baseUrl);
  await officer.signIn('oscar', f.officerPassword);
});
afterAll(async () => f?.close());

describe('appointment API', () => {
  it('sets up a diary, books, refuses with the guide’s words, moves and cancels', async () => {
    const A = f.adminToken;
    const O = f.officerToken;
    expect((await api(admin, A, 'POST', '/product-areas', { code: 'RENTS', name: 'Rents' })).status).toBe(201);
    expect((await api(admin, A, 'POST', '/appointment-reasons', { code: 'TENREQ', description: 'Tenant asked', kind: 'move', productAreas: ['RENTS'] })).status).toBe(201);
    expect((await api(admin, A, 'POST', '/appointment-reasons', { code: 'TENCAN', description: 'Tenant cancelled', kind: 'cancel', productAreas: ['RENTS'] })).status).toBe(201);
    const noServer = await api(admin, A, 'POST', '/diaries', { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'OUTLOOK365', calendarAddress: 'pat@housingorganisation.co.uk' });
    expect(noServer.status).toBe(422);
    expect((await noServer.json()).errors[0].field).toBe('calendarAddress');
    expect((await api(admin, A, 'POST', '/diaries', { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS' })).status).toBe(201);
    expect((await api(admin, O, 'POST', '/diaries', { code: 'X', name: 'X', productAreaCode: 'RENTS' })).status).toBe(403);
    expect((await api(admin, A, 'POST', '/diaries/RENTS/slot-patterns', { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '09:00', endTime: '12:00', slotMinutes: 60, units: 1, validFrom: day(0) })).status).toBe(201);
    const gen = await api(admin, A, 'POST', '/diaries/RENTS/slots/generate', { from: day(1), days: 7 });
    expect(await gen.json()).toMatchObject({ added: 21 });

    const booked = await api(officer, O, 'POST', '/bookings', { diaryCode: 'RENTS', start: at(day(2), '09:00'), who: 'Tenant A', location: '1 High St' });
    expect(booked.status).toBe(201);
    const b = await booked.json();
    expect(b).toMatchObject({ status: 'BOOKED', diaryCode: 'RENTS', outlook: { state: 'none' } });

    const full = await api(officer, O, 'POST', '/bookings', { diaryCode: 'RENTS', start: at(day(2), '09:00'), who: 'Tenant B' });
    expect(full.status).toBe(409);
    expect((await full.json()).detail).toMatch(/^No units available in the appointment slot/);

    const noSlot = await api(officer, O, 'POST', `/bookings/${b.ref}/move`, { start: at(day(2), '15:00'), reasonCode: 'TENREQ' });
    expect(noSlot.status).toBe(422);
    expect((await noSlot.json()).detail).toMatch(/^No appointment slots exist for diary RENTS/);

    const moved = await api(officer, O, 'POST', `/bookings/${b.ref}/move`, { start: at(day(2), '10:00'), reasonCode: 'TENREQ', expectedVersion: b.version });
    expect(moved.status).toBe(200);
    expect((await moved.json()).status).toBe('MOVED');

    const cancelled = await api(officer, O, 'POST', `/bookings/${b.ref}/cancel`, { reasonCode: 'TENCAN' });
    expect((await cancelled.json()).status).toBe('CAN');
    const detail = await (await api(officer, O, 'GET', `/bookings/${b.ref}`)).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['BOOKED', 'MOVED', 'CANCELLED']);

    const week = await (await api(officer, O, 'GET', `/diaries/RENTS/week?date=${day(2)}`)).json();
    expect(week.days.flatMap((d: { slots: unknown[] }) => d.slots).length).toBeGreaterThan(0);
    const openapi = await (await admin.get('/openapi.json')).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/diaries', '/api/v1/bookings', '/api/v1/bookings/{ref}/move', '/api/v1/bookings/{ref}/cancel']));
  });
});

describe('appointment pages', () => {
  it('shows the diary set-up with the External Calendar select and the Calendar Address field', async () => {
    const html = await (await admin.get('/system-setup/appointments/diaries/RENTS')).text();
    expect(html).toContain('<label class="govuk-label" for="externalCalendar">External Calendar</label>');
    expect(html).toContain('<option value="OUTLOOK365">Outlook 365</option>');
    expect(html).toContain('Calendar Address');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const res = await admin.postForm('/system-setup/appointments/diaries/RENTS', {
      _csrf: csrf,
      name: 'Rents Appointments',
      productAreaCode: 'RENTS',
      timeZone: 'Europe/London',
      externalCalendar: 'OUTLOOK365',
      calendarAddress: 'pat@gmail.com',
      outlookOldEvents: 'remove',
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('INBOX_SERVER');
    expect((await officer.get('/system-setup/appointments/reasons')).status).toBe(403);
    expect((await admin.get('/system-setup/appointments/reasons')).status).toBe(200);
    expect((await admin.get('/system-setup/appointments/product-areas')).status).toBe(200);
  });

  it('lets an officer book from the week view, move with the slot picker and cancel with a reason', async () => {
    const week = await (await officer.get(`/appointments/diaries/RENTS?week=${day(3)}`)).text();
    const link = new RegExp(`href="(/appointments/book\\?diary=RENTS&(?:amp;)?slot=(\\d+))"`).exec(week);
    expect(link).not.toBeNull();
    const bookPath = link![1].replace(/&amp;/g, '&');
    const form = await (await officer.get(bookPath)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1];
    const booked = await officer.postForm('/appointments/book', { _csrf: csrf, diary: 'RENTS', slot: link![2], who: 'Tenant Page', location: '5 Low Rd', notes: '' });
    expect(booked.status).toBe(303);
    const bookingPath = booked.headers.get('location')!.split('?')[0];
    const page = await (await officer.get(bookingPath)).text();
    expect(page).toContain('Tenant Page');
    expect(page).toContain('Booked (BOOKED)');
    expect(page).toContain('Diary not mapped to Outlook');

    const move = await (await officer.get(`${bookingPath}/move`)).text();
    const slot = /name="slot" type="radio" value="(\d+)"/.exec(move)![1];
    const noReason = await officer.postForm(`${bookingPath}/move`, { _csrf: csrf, slot, reasonCode: '' });
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain('Choose a reason for moving appointment');
    const moved = await officer.postForm(`${bookingPath}/move`, { _csrf: csrf, slot, reasonCode: 'TENREQ' });
    expect(moved.status).toBe(303);
    const cancelled = await officer.postForm(`${bookingPath}/cancel`, { _csrf: csrf, reasonCode: 'TENCAN' });
    expect(cancelled.status).toBe(303);
    const after = await (await officer.get(bookingPath)).text();
    expect(after).toContain('Cancelled (CAN)');
    expect(after).toMatch(/moved[\s\S]*TENREQ/);
  });

  it('shows the outbound calendar section of the Integration pages, saying why the push does not run', async () => {
    const html = await (await officer.get('/integration/calendar-push')).text();
    expect(html).toContain('Outbound calendars');
    expect(html).toContain('Not running');
    expect(html).toMatch(/OUTLOOK365/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    expect((await officer.postForm('/integration/calendar-push/replay', { _csrf: csrf })).status).toBe(403);
  });

  it('edits the Outlook event templates, refusing one that cannot render', async () => {
    const html = await (await admin.get('/system-setup/appointments/outlook-event')).text();
    expect(html).toContain('Appointment 4376: Rents Appointments');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const bad = await admin.postForm('/system-setup/appointments/outlook-event', { _csrf: csrf, subject: 'Visit {{ ref', body: '' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('The subject template cannot be used');
    const ok = await admin.postForm('/system-setup/appointments/outlook-event', { _csrf: csrf, subject: 'Visit {{ ref }} ({{ diary.code }})', body: '' });
    expect(ok.status).toBe(303);
    expect(await (await admin.get('/system-setup/appointments/outlook-event')).text()).toContain('Visit 4376 (RENTS)');
  });
});
