// The clock changes on the pages and API (issue 14 §15), over a real HTTP server. When the clocks go
// back (Europe/London, Sun 31 Oct 2027, 02:00 BST → 01:00 GMT) the hour 01:00–02:00 happens twice:
// both occurrences are slots, bookable, and shown as "01:00 BST" and "01:00 GMT". When they go forward
// (Sun 28 Mar 2027) there is no 01:00 at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient, startWebFixture, type WebFixture } from '../http/web-client.ts';

let f: WebFixture;
let officer: WebClient;
const api = (token: string, method: string, path: string, body?: unknown) => officer.json(method, `/api/v1${path}`, body, { authorization: `Bearer ${token}` });
/** The slot rows' times on a diary week page (the row headers), in page order. */
const slotRows = (html: string) => [...html.matchAll(/<th scope="row" class="govuk-table__header">([^<]*)<\/th>/g)].map((m) => m[1].replace('&#8211;', '–'));

beforeAll(async () => {
  f = await startWebFixture();
  officer = new WebClient(f.baseUrl);
  await officer.signIn('oscar', f.officerPassword);
  const A = f.adminToken;
  expect((await api(A, 'POST', '/product-areas', { code: 'NIGHT', name: 'Night repairs' })).status).toBe(201);
  expect((await api(A, 'POST', '/diaries', { code: 'NIGHT', name: 'Night Repairs', productAreaCode: 'NIGHT', timeZone: 'Europe/London' })).status).toBe(201);
  expect((await api(A, 'POST', '/diaries/NIGHT/slot-patterns', { weekdays: [7], startTime: '00:00', endTime: '04:00', slotMinutes: 60, units: 1, validFrom: '2027-01-01' })).status).toBe(201);
  for (const from of ['2027-03-28', '2027-10-31']) expect((await api(A, 'POST', '/diaries/NIGHT/slots/generate', { from, days: 1 })).status).toBe(200);
});
afterAll(async () => f?.close());

describe('slots across the clock changes', () => {
  it('lists both 01:00 slots of the autumn night, named BST and GMT, and books each', async () => {
    const res = await officer.get('/appointments/diaries/NIGHT?week=2027-10-31');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(slotRows(html)).toEqual(expect.arrayContaining(['00:00–01:00 BST', '01:00 BST–01:00 GMT', '01:00 GMT–02:00', '02:00–03:00', '03:00–04:00']));
    const week = await (await api(f.officerToken, 'GET', '/diaries/NIGHT/week?date=2027-10-31')).json();
    const sunday = week.days.find((d: { date: string }) => d.date === '2027-10-31');
    expect(sunday.slots.map((s: { startsAt: string }) => s.startsAt)).toEqual([
      '2027-10-30T23:00:00.000Z',
      '2027-10-31T00:00:00.000Z',
      '2027-10-31T01:00:00.000Z',
      '2027-10-31T02:00:00.000Z',
      '2027-10-31T03:00:00.000Z',
    ]);

    // Both are bookable, each by its instant; each booking shows which 01:00 it is.
    const bst = await api(f.officerToken, 'POST', '/bookings', { diaryCode: 'NIGHT', start: '2027-10-31T01:00:00+01:00', who: 'Tenant BST' });
    const gmt = await api(f.officerToken, 'POST', '/bookings', { diaryCode: 'NIGHT', start: '2027-10-31T01:00:00+00:00', who: 'Tenant GMT' });
    expect([bst.status, gmt.status]).toEqual([201, 201]);
    const [b1, b2] = [await bst.json(), await gmt.json()];
    expect([b1.startsAt, b2.startsAt]).toEqual(['2027-10-31T00:00:00.000Z', '2027-10-31T01:00:00.000Z']);
    const page1 = await (await officer.get(`/appointments/bookings/${b1.ref}`)).text();
    const page2 = await (await officer.get(`/appointments/bookings/${b2.ref}`)).text();
    expect(page1).toContain('Sun 31 Oct 2027, 01:00 BST – 01:00 GMT');
    expect(page2).toContain('Sun 31 Oct 2027, 01:00 GMT – 02:00');
    // A third booking of the BST hour is refused in words that say which 01:00.
    const full = await api(f.officerToken, 'POST', '/bookings', { diaryCode: 'NIGHT', start: '2027-10-31T00:00:00Z', who: 'Tenant 3' });
    expect(full.status).toBe(409);
    expect((await full.json()).detail).toContain('Sun 31 Oct 2027 01:00 BST');
  });

  it('has no 01:00 slot on the spring night, and names no zone', async () => {
    const html = await (await officer.get('/appointments/diaries/NIGHT?week=2027-03-28')).text();
    // 00:00 GMT lasts to 02:00 BST (one real hour); then 02:00 and 03:00 BST.
    expect(slotRows(html)).toEqual(['00:00–02:00', '02:00–03:00', '03:00–04:00']);
  });
});
