// Integration › Inbound calendars: per-calendar status for everyone signed in; start, stop and
// sync-now for admins only (CSRF-protected forms).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient, startWebFixture, type WebFixture } from '../http/web-client.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { createDiary } from '../../src/app/appointments/diaries.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { calendarPollStatus } from '../../src/app/calendar-sync/poll-calendars.ts';
import { insertSyncLog } from '../../src/adapters/db/calendar-sync.ts';

let f: WebFixture;
let admin: WebClient;
let officer: WebClient;
const CAL = 'rents.team@housingorganisation.co.uk';

beforeAll(async () => {
  f = await startWebFixture();
  const actor = { username: 'setup' };
  await setParameter(f.t.ctx, actor, 'INBOX_SERVER', 'housingorganisation.co.uk');
  await addProductArea(f.t.ctx, actor, { code: 'RENTS', name: 'Rents' });
  await createDiary(f.t.ctx, actor, { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'OUTLOOK365', calendarAddress: CAL });
  await insertSyncLog(f.t.ctx.db, { calendar: CAL, bookingId: null, ref: 4376, eventId: 'AAMk', outcome: 'refused', detail: 'move to Mon 30 Nov 2026 03:00 refused: No appointment slots exist for diary RENTS', at: new Date() });
  admin = new WebClient(f.baseUrl);
  await admin.signIn('alice', f.adminPassword);
  officer = new WebClient(f.baseUrl);
  await officer.signIn('oscar', f.officerPassword);
});
afterAll(async () => f?.close());

describe('Inbound calendars page', () => {
  it('lists each mapped calendar, why polling does not run, and the latest refused change', async () => {
    const html = await (await officer.get('/integration/calendars')).text();
    expect(html).toContain(CAL);
    expect(html).toContain('Not polling');
    expect(html).toContain('APPTIN_OUTLOOK365 is N');
    expect(html).toContain('No appointment slots exist for diary RENTS');
    expect(html).toContain('href="/appointments/bookings/4376"');
    expect(html).not.toContain('Stop calendar polling');
    expect(await (await admin.get('/')).text()).toContain('href="/integration/calendars"');
  });

  it('lets an admin stop, start and request a sync; officers get 403', async () => {
    const csrf = await admin.csrfFrom('/integration/calendars');
    expect((await officer.postForm('/integration/calendars/stop', { _csrf: await officer.csrfFrom('/integration/calendars') })).status).toBe(403);
    const stop = await admin.postForm('/integration/calendars/stop', { _csrf: csrf });
    expect(stop.status).toBe(303);
    expect((await calendarPollStatus(f.t.ctx)).stopped).toBe(true);
    expect(await (await admin.get('/integration/calendars')).text()).toContain('Start calendar polling');
    expect((await admin.postForm('/integration/calendars/start', { _csrf: csrf })).status).toBe(303);
    expect((await calendarPollStatus(f.t.ctx)).stopped).toBe(false);
    expect((await admin.postForm('/integration/calendars/run', { _csrf: csrf, calendar: CAL })).status).toBe(303);
    expect((await calendarPollStatus(f.t.ctx)).calendars[0].state?.runRequestedAt).toBeInstanceOf(Date);
  });
});

describe('/api/v1/integration/calendars', () => {
  const call = (token: string, method: string, path: string, body?: unknown) =>
    new WebClient(f.baseUrl).json(method, `/api/v1${path}`, body, { authorization: `Bearer ${token}` });

  it('gives the polling status and log to officers; start, stop and run to admins only', async () => {
    const status = await call(f.officerToken, 'GET', '/integration/calendars');
    expect(status.status).toBe(200);
    const body = await status.json();
    expect(body.calendars[0]).toMatchObject({ calendar: CAL, diaryCodes: ['RENTS'], applied: 0, refused: 0, errors: 0 });
    expect(body.reasons).toContain('APPTIN_OUTLOOK365 is N');
    const log = await (await call(f.officerToken, 'GET', `/integration/calendars/log?calendar=${CAL}`)).json();
    expect(log[0]).toMatchObject({ ref: 4376, outcome: 'refused' });
    expect((await call(f.officerToken, 'POST', '/integration/calendars/stop', {})).status).toBe(403);
    const stopped = await call(f.adminToken, 'POST', '/integration/calendars/stop', {});
    expect((await stopped.json()).stopped).toBe(true);
    expect((await (await call(f.adminToken, 'POST', '/integration/calendars/start', {})).json()).stopped).toBe(false);
    const run = await call(f.adminToken, 'POST', '/integration/calendars/run', { calendar: CAL });
    expect(run.status).toBe(202);
    expect(await run.json()).toEqual({ calendars: [CAL] });
    expect((await call(f.adminToken, 'POST', '/integration/calendars/run', { calendar: 'nobody@housingorganisation.co.uk' })).status).toBe(404);
  });
});
