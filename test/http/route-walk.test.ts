import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiary } from '../../src/app/appointments/diaries.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { routesOf, type RegisteredRoute } from '../../src/transport/http/server.ts';
import { WebClient, startWebFixture, type WebFixture } from './web-client.ts';

// Walks every route the server registered (Fastify's own list, so a route added later is walked too)
// and checks what must hold for all of them: sign-in, CSRF, the admin role on the API, and no 500
// from hostile text in path parameters, query strings and page forms.

let f: WebFixture;
let routes: readonly RegisteredRoute[];
beforeAll(async () => {
  f = await startWebFixture();
  const actor = { username: 'setup' };
  await addProductArea(f.t.ctx, actor, { code: 'RENTS', name: 'Rents' });
  await createDiary(f.t.ctx, actor, { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'NONE' });
  routes = routesOf(f.app);
}, 60_000);
afterAll(async () => f?.close());

// Routes that are public on purpose, each for a reason written in docs/security.md.
const PUBLIC = new Set([
  'GET /healthz', // liveness, for the process manager
  'GET /readyz', // readiness, for the load balancer; says only ok / not ready
  'GET /metrics', // its own scrape token (tested in metrics.test.ts)
  'GET /sign-in',
  'POST /sign-in', // its own double-submit token
  'GET /sign-in/microsoft',
  'GET /sign-in/microsoft/callback', // state + PKCE, kept server-side
  'POST /sign-out', // ends the caller's own session, if any
  'POST /webhooks/graph', // Microsoft Graph; authenticated by clientState
  'POST /webhooks/graph/lifecycle',
  'GET /openapi.json', // the API's description, no data
]);
// Stylesheets, scripts, fonts and images of the pages.
const isAsset = (r: RegisteredRoute) => r.method === 'GET' && r.url.startsWith('/assets/');
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const key = (r: RegisteredRoute) => `${r.method} ${r.url}`;
const fill = (url: string, value: string) => url.replace(/:(\w+)/g, () => value);
const isApi = (r: RegisteredRoute) => r.url.startsWith('/api/');

describe('every registered route', () => {
  it('has a list of routes to walk, pages and API', () => {
    expect(routes.filter(isApi).length).toBeGreaterThan(50);
    expect(routes.filter((r) => !isApi(r)).length).toBeGreaterThan(60);
    // Nothing public that is not listed above on purpose.
    expect(routes.map(key).filter((k) => PUBLIC.has(k)).sort()).toEqual([...PUBLIC].sort());
    expect(routes.filter(isAsset).length).toBeGreaterThan(0);
  });

  it('needs sign-in: 401 problem on the API, a redirect to the sign-in page for pages', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => !PUBLIC.has(key(x)) && !isAsset(x))) {
      const res = await fetch(f.baseUrl + fill(r.url, '1'), {
        method: r.method,
        redirect: 'manual',
        ...(UNSAFE.has(r.method) ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' } : {}),
      });
      const ok = isApi(r)
        ? res.status === 401 && (res.headers.get('content-type') ?? '').startsWith('application/problem+json')
        : res.status === 303 && (res.headers.get('location') ?? '').startsWith('/sign-in');
      if (!ok) wrong.push(`${key(r)} → ${res.status} ${res.headers.get('location') ?? ''}`);
      await res.arrayBuffer();
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every unsafe request on a session cookie without the CSRF token (403), and changes nothing', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('alice', f.adminPassword);
    const wrong: string[] = [];
    for (const r of routes.filter((x) => UNSAFE.has(x.method) && !x.url.startsWith('/webhooks/'))) {
      const res = isApi(r) ? await c.json(r.method, fill(r.url, '1'), {}) : await c.postForm(fill(r.url, '1'), { a: '1' });
      if (res.status !== 403) wrong.push(`${key(r)} → ${res.status}`);
      await res.arrayBuffer();
    }
    expect(wrong).toEqual([]);
    // Still signed in: the sign-out routes did not run.
    expect((await c.get('/')).status).toBe(200);
  });

  it('keeps admin operations from officers: 403 on every API operation that needs the admin role', async () => {
    const doc = (await (await fetch(`${f.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-required-role': string }>> };
    const admin = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => op['x-required-role'] === 'admin').map(([m]) => ({ method: m.toUpperCase(), path })));
    expect(admin.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const { method, path } of admin) {
      const res = await fetch(f.baseUrl + path.replace(/\{\w+\}/g, '1'), { method, headers: { authorization: `Bearer ${f.officerToken}`, 'content-type': 'application/json' }, body: UNSAFE.has(method) ? '{}' : undefined });
      if (res.status !== 403) wrong.push(`${method} ${path} → ${res.status}`);
      await res.arrayBuffer();
    }
    expect(wrong).toEqual([]);
  });

  it('answers hostile text in any page path, query or form with a 4xx page naming the field, never a 500', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('alice', f.adminPassword);
    const csrf = await c.csrfFrom('/system-setup/parameters/EMI_POLL');
    const wrong: string[] = [];
    const check = async (label: string, res: Response, field?: string) => {
      const body = await res.text();
      if (res.status >= 500) wrong.push(`${label} → ${res.status}`);
      else if (field && (res.status !== 400 || !body.includes(field))) wrong.push(`${label} → ${res.status}, field ${field} not named`);
    };
    for (const r of routes.filter((x) => !isApi(x) && !isAsset(x))) {
      if (r.url.includes(':')) await check(`${key(r)} path NUL`, await c.request(r.method, fill(r.url, 'a%00b'), UNSAFE.has(r.method) ? { body: `_csrf=${csrf}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}));
      const url = fill(r.url, 'RENTS');
      if (r.method === 'GET') {
        await check(`${key(r)} query NUL`, await c.get(`${url}?q=a%00b&next=%00`), 'q');
        await check(`${key(r)} query surrogate`, await c.get(`${url}?q=%ED%A0%80&from=2026-02-30&to=2026-02-30&week=2026-02-30&date=2026-02-30&cursor=%00`));
        await check(
          `${key(r)} query numbers`,
          await c.get(`${url}?before=99999999999999999999&limit=-1&offset=1e308&assignee=99999999999999999999&team=-5&id=NaN&cursor=${'z'.repeat(300)}&status=x&status=y&sort=%27&scope=x&inbox=${'A'.repeat(5000)}&week=9999-12-31&from=0001-01-01&to=2026-13-45`),
        );
        if (r.url.includes(':')) for (const id of ['99999999999999999999', '-1', '0', '1.5', '1e3', '2147483648', '2026-02-30']) await check(`${key(r)} path ${id}`, await c.get(fill(r.url, id)));
      } else {
        await check(`${key(r)} form NUL`, await c.postForm(url, { _csrf: csrf, name: 'a\u0000b' }), 'name');
      }
    }
    expect(wrong).toEqual([]);
    // The forms were refused before their handlers ran: the session is still there.
    expect((await c.get('/')).status).toBe(200);
  });

  it('answers impossible dates and out-of-range numbers in page forms with a page, not a 500', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('alice', f.adminPassword);
    const csrf = await c.csrfFrom('/system-setup/parameters/EMI_POLL');
    const wrong: string[] = [];
    const hostile = { day: '2026-02-30', from: '2026-02-30', to: '2026-13-01', date: '2026-02-30', validFrom: '2026-02-30', validTo: '2026-02-31', start: '2026-02-30T25:00', id: '99999999999999999999', days: '-99999999999', units: '1e308', slotMinutes: 'NaN', weekdays: '8', value: 'x'.repeat(100_000) };
    const skip = new Set(['POST /sign-out', 'POST /account/sign-out-everywhere', 'POST /sign-in']);
    for (const r of routes.filter((x) => !isApi(x) && x.method === 'POST' && !skip.has(key(x)) && !x.url.startsWith('/webhooks/'))) {
      for (const param of r.url.includes(':') ? ['RENTS', '99999999999999999999', '-1'] : ['']) {
        const res = await c.postForm(fill(r.url, param), { _csrf: csrf, ...hostile });
        if (res.status >= 500) wrong.push(`${key(r)} (${param}) → ${res.status}`);
        await res.arrayBuffer();
      }
    }
    expect(wrong).toEqual([]);
  });
});
