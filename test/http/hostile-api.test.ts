import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiary } from '../../src/app/appointments/diaries.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { createTeam } from '../../src/app/users.ts';
import { toProblem } from '../../src/transport/http/problem.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/transport/http/security-headers.ts';
import { startWebFixture, type WebFixture } from './web-client.ts';

// Walks every operation of /openapi.json as an admin with a valid token and sends hostile values in
// each path parameter, query parameter and body field in turn: a route added later is covered without
// anyone remembering to. Nothing may answer 5xx, and every 4xx is an RFC 9457 problem.

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: Array<{ name: string; in: 'path' | 'query'; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}

let f: WebFixture;
let components: Record<string, Schema> = {};
let operations: Array<{ method: string; path: string; op: Operation }> = [];

beforeAll(async () => {
  f = await startWebFixture();
  // Things named as the walker names them ('A', id 1), so probes get past "not found" into the use cases.
  const actor = { username: 'setup' };
  await addProductArea(f.t.ctx, actor, { code: 'A', name: 'A' });
  await createDiary(f.t.ctx, actor, { code: 'A', name: 'A', productAreaCode: 'A', externalCalendar: 'NONE' });
  await createTeam(f.t.ctx, actor, { code: 'A', name: 'A' });
  const doc = (await (await fetch(`${f.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
  components = doc.components.schemas;
  operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}, 60_000);
afterAll(async () => f?.close());

const resolve = (s: Schema): Schema => (typeof s.$ref === 'string' ? resolve(components[s.$ref.split('/').pop()!]) : s);

/** A value the schema accepts, as far as a generic walker can tell: the hostile value is then the only fault. */
function plausible(raw: Schema): unknown {
  const s = resolve(raw);
  if (Array.isArray(s.anyOf)) return plausible((s.anyOf as Schema[]).find((x) => resolve(x).type !== 'null') ?? {});
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return '2026-03-02T10:00:00Z';
      if (s.format === 'date') return '2026-03-02';
      if (s.format === 'email') return 'someone@example.org';
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'A'.repeat(Math.max(1, Math.min(Number(s.minLength ?? 1), 20)));
    case 'integer':
    case 'number':
      return Math.max(1, Number(s.minimum ?? 1));
    case 'boolean':
      return true;
    case 'array':
      return [plausible((s.items as Schema) ?? {})];
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, plausible(v)]));
    }
    default:
      return 'A';
  }
}

const LONG = 'x'.repeat(100_000);
// Strings as they travel in a URL (already percent-encoded where needed) …
const HOSTILE_IN_URL = ['a%00b', '%00', '%ED%A0%80', 'a%F0%9F', '2026-02-30', '-1', '0', '99999999999999999999', '1e308', 'NaN', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(5000)];
// … and as JSON values.
const HOSTILE_JSON: unknown[] = ['a\u0000b', '\ud800', 'x\udc00y', LONG, '2026-02-30', '2026-13-01T25:61:00Z', '', ' ', -1, -2147483649, 2 ** 53 + 2, 1e308, 0.5, true, null, [], {}, ['a\u0000'], { a: '\u0000' }];

/** Leaf paths of a plausible body, so each field can be made hostile in turn (two levels deep). */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || prefix.length >= 2) return prefix.length ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const nested = entries.flatMap(([k, v]) => fieldPaths(v, [...prefix, k]));
  return prefix.length ? [prefix, ...nested] : nested;
}

function withField(body: unknown, path: string[], v: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path[path.length - 1]] = v;
  return copy;
}

interface Probe {
  label: string;
  url: string;
  body?: string;
}

function probesFor(method: string, path: string, op: Operation): Probe[] {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const plainPath = (override?: [string, string]) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => (override?.[0] === name ? override[1] : encodeURIComponent(String(plausible(pathParams.find((p) => p.name === name)?.schema ?? {})))));
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const goodBody = bodySchema ? plausible(bodySchema) : undefined;
  const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
  const probes: Probe[] = [];
  for (const p of pathParams) for (const h of HOSTILE_IN_URL) probes.push({ label: `path ${p.name}=${h.slice(0, 30)}`, url: plainPath([p.name, h]), body: json(goodBody) });
  for (const q of queryParams) for (const h of HOSTILE_IN_URL) probes.push({ label: `query ${q.name}=${h.slice(0, 30)}`, url: `${plainPath()}?${q.name}=${h}`, body: json(goodBody) });
  if (queryParams.length > 0) probes.push({ label: 'every query parameter at once, twice', url: `${plainPath()}?${queryParams.map((q) => `${q.name}=a%00&${q.name}=%ED%A0%80`).join('&')}`, body: json(goodBody) });
  if (bodySchema) {
    probes.push({ label: 'plausible body', url: plainPath(), body: json(goodBody) });
    for (const whole of ['null', '"a\\u0000"', '[]', '{"\\u0000":1}', '{"__proto__":{"x":1}}', '{"a":"\\ud800"}']) probes.push({ label: `body ${whole}`, url: plainPath(), body: whole });
    for (const field of fieldPaths(goodBody)) {
      for (const h of HOSTILE_JSON) probes.push({ label: `body ${field.join('.')}=${JSON.stringify(h)?.slice(0, 30)}`, url: plainPath(), body: json(withField(goodBody, field, h)) });
    }
  }
  return probes.map((p) => ({ ...p, label: `${method} ${path}: ${p.label}` }));
}

describe('hostile input on every API operation', () => {
  it('lists the operations to walk', () => {
    expect(operations.length).toBeGreaterThan(50);
  });

  async function walk(token: string, ops: typeof operations): Promise<{ sent: number; failures: string[] }> {
    const failures: string[] = [];
    let sent = 0;
    for (const { method, path, op } of ops) {
      for (const probe of probesFor(method, path, op)) {
        const res = await fetch(f.baseUrl + probe.url, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(probe.body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: probe.body,
        });
        sent++;
        const type = res.headers.get('content-type') ?? '';
        const text = await res.text();
        if (res.status >= 500) failures.push(`${probe.label} → ${res.status} ${text.slice(0, 200)}`);
        else if (res.status >= 400 && !type.startsWith('application/problem+json')) failures.push(`${probe.label} → ${res.status} ${type} (not a problem)`);
        else if (res.status >= 400) {
          const p = JSON.parse(text) as { status: number; title: string };
          if (p.status !== res.status || !p.title) failures.push(`${probe.label} → ${res.status} malformed problem ${text.slice(0, 200)}`);
        }
      }
    }
    return { sent, failures };
  }

  it('never answers 5xx, and answers every 4xx with a problem naming what was wrong', async () => {
    const { sent, failures } = await walk(f.adminToken, operations);
    expect(sent).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  }, 600_000);

  it('holds for an officer too, on every operation open to officers (their queries are filtered by visibility)', async () => {
    const officerOps = operations.filter((o) => (o.op as { 'x-required-role'?: string })['x-required-role'] === 'officer');
    expect(officerOps.length).toBeGreaterThan(20);
    const { failures } = await walk(f.officerToken, officerOps);
    expect(failures).toEqual([]);
  }, 600_000);

  it('names the field that carries a NUL or a lone surrogate', async () => {
    const auth = { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' };
    const nulBody = await fetch(`${f.baseUrl}/api/v1/teams`, { method: 'POST', headers: auth, body: JSON.stringify({ code: 'T\u0000', name: 'ok' }) });
    expect(nulBody.status).toBe(400);
    expect(nulBody.headers.get('content-type')).toContain('application/problem+json');
    expect((await nulBody.json()).errors).toEqual([{ field: 'code', message: expect.stringContaining('NUL') }]);

    const surrogate = await fetch(`${f.baseUrl}/api/v1/teams`, { method: 'POST', headers: auth, body: '{"code":"T1","name":"\\ud83d"}' });
    expect(surrogate.status).toBe(400);
    expect((await surrogate.json()).errors).toEqual([{ field: 'name', message: expect.stringContaining('surrogate') }]);

    const query = await fetch(`${f.baseUrl}/api/v1/audit?q=a%00b`, { headers: auth });
    expect(query.status).toBe(400);
    expect((await query.json()).errors).toEqual([{ field: 'q', message: expect.stringContaining('NUL') }]);

    const param = await fetch(`${f.baseUrl}/api/v1/parameters/EMI%00POLL`, { headers: auth });
    expect(param.status).toBe(400);
    expect((await param.json()).errors).toEqual([{ field: 'name', message: expect.stringContaining('NUL') }]);

    // The 400 is in the document of every operation.
    for (const { method, path, op } of operations) expect((op as { responses: Record<string, unknown> }).responses['400'], `${method} ${path}`).toBeDefined();
  });

  it('refuses an impossible date with a problem naming the field, not a database error', async () => {
    const actor = { username: 'setup' };
    await addProductArea(f.t.ctx, actor, { code: 'RENTS', name: 'Rents' });
    await createDiary(f.t.ctx, actor, { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'NONE' });
    const auth = { authorization: `Bearer ${f.adminToken}` };
    const reopen = await fetch(`${f.baseUrl}/api/v1/diaries/RENTS/closed-days/2026-02-30`, { method: 'DELETE', headers: auth });
    expect(reopen.status).toBe(422);
    expect(reopen.headers.get('content-type')).toContain('application/problem+json');
    expect((await reopen.json()).errors).toEqual([{ field: 'day', message: expect.stringContaining('real date') }]);

    const close = await fetch(`${f.baseUrl}/api/v1/diaries/RENTS/closed-days`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ day: '2025-02-29', reason: 'x' }) });
    expect(close.status).toBe(422);
    expect((await close.json()).errors).toEqual([{ field: 'day', message: expect.stringContaining('real date') }]);
  });

  it('turns a data exception from PostgreSQL (SQLSTATE class 22) into a 400 that quotes nothing, as the last line', async () => {
    const logged: unknown[] = [];
    const request = { log: { warn: (o: unknown) => logged.push(o), error: (o: unknown) => logged.push(o) } } as unknown as Parameters<typeof toProblem>[1];
    for (const query of [sql`select '2026-02-30'::date`, sql`select 2147483648::int4`, sql`select 'a'::int4`, sql`select ${'secret\u0000'}::text`]) {
      const err = await query.execute(f.t.ctx.db).then(() => null, (e: unknown) => e);
      expect((err as { code: string }).code).toMatch(/^22/);
      const p = toProblem(err, request);
      expect(p).toMatchObject({ status: 400, title: 'Bad request' });
      expect(JSON.stringify(p)).not.toMatch(/2026-02-30|2147483648|secret|syntax/);
    }
    // Anything else from the database is still a 500 (and logged as an error).
    const other = await sql`select * from no_such_table`.execute(f.t.ctx.db).then(() => null, (e: unknown) => e);
    expect(toProblem(other, request).status).toBe(500);
    expect(logged).toHaveLength(5);
  });

  it('answers a very long path with a problem, not a bare status', async () => {
    const auth = { authorization: `Bearer ${f.adminToken}` };
    const param = await fetch(`${f.baseUrl}/api/v1/parameters/${'x'.repeat(5000)}`, { headers: auth });
    expect(param.status).toBe(414);
    expect(param.headers.get('content-type')).toContain('application/problem+json');
    expect(param.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    // Past Node's 16 kB header limit the request never reaches Fastify; it is still a problem body.
    const huge = await fetch(`${f.baseUrl}/api/v1/parameters/${'x'.repeat(20_000)}`, { headers: auth });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    expect((await huge.json()).status).toBe(431);
    const badEncoding = await fetch(`${f.baseUrl}/api/v1/parameters/%E0%A4%A`, { headers: auth });
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.headers.get('content-type')).toContain('application/problem+json');
  });
});
