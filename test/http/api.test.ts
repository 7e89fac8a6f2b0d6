import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installLicence } from '../../src/app/licence.ts';
import { testLicence } from '../helpers/db.ts';
import { WebClient, startWebFixture, type WebFixture } from './web-client.ts';

let f: WebFixture;
let admin: (method: string, path: string, body?: unknown) => Promise<Response>;
let officer: (method: string, path: string, body?: unknown) => Promise<Response>;

beforeAll(async () => {
  f = await startWebFixture();
  const c = new WebClient(f.baseUrl);
  admin = (method, path, body) => c.json(method, `/api/v1${path}`, body, { authorization: `Bearer ${f.adminToken}` });
  officer = (method, path, body) => c.json(method, `/api/v1${path}`, body, { authorization: `Bearer ${f.officerToken}` });
});
afterAll(async () => f?.close());

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = await res.json();
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  return body as { type: string; title: string; status: number; detail?: string; errors?: Array<{ field: string; message: string }> };
}

describe('API authentication', () => {
  it('answers 401 with a Bearer challenge without a token, or with a wrong or revoked one', async () => {
    const c = new WebClient(f.baseUrl);
    for (const headers of [{}, { authorization: 'Bearer h365_not-a-real-token' }, { authorization: 'Basic YWxpY2U6eA==' }]) {
      const res = await c.json('GET', '/api/v1/parameters', undefined, headers as Record<string, string>);
      await expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('lets an officer read but not change parameters, FRVs, users or teams (403 problem)', async () => {
    expect((await officer('GET', '/parameters')).status).toBe(200);
    expect((await officer('GET', '/frvs')).status).toBe(200);
    expect((await officer('GET', '/integration/status')).status).toBe(200);
    const forbidden: Array<[string, string, unknown?]> = [
      ['PUT', '/parameters/EMI_POLL', { value: '5' }],
      ['POST', '/frvs', { domain: 'EXCHANGE_INBOX', code: 'ASB', description: 'ASB' }],
      ['PATCH', '/frvs/EXCHANGE_INBOX/ASB', { active: false }],
      ['DELETE', '/frvs/EXCHANGE_INBOX/ASB'],
      ['GET', '/users'],
      ['POST', '/users', { username: 'eve', displayName: 'Eve', role: 'admin' }],
      ['POST', '/teams', { code: 'EVIL', name: 'Evil' }],
      ['POST', '/teams/1/members/1'],
      ['DELETE', '/teams/1/members/1'],
    ];
    for (const [method, path, body] of forbidden) {
      const p = await expectProblem(await officer(method, path, body), 403);
      expect(p.detail, `${method} ${path}`).toContain('admin');
    }
  });
});

describe('parameters', () => {
  it('lists all 15 parameters with the guide\'s definitions', async () => {
    const res = await officer('GET', '/parameters');
    const list = (await res.json()) as Array<{ name: string; hint: string; datatype: string }>;
    expect(list).toHaveLength(15);
    expect(list.find((p) => p.name === 'EMI_POLL')).toMatchObject({ hint: 'Enter the Poll Time in Minutes for Inbound Email', datatype: 'Numeric' });
  });

  it('rejects an invalid value with a 422 problem that names the parameter and the field', async () => {
    for (const value of ['abc', '0', '2.5']) {
      const p = await expectProblem(await admin('PUT', '/parameters/EMI_POLL', { value }), 422);
      expect(p.detail).toContain('EMI_POLL');
      expect(p.errors).toHaveLength(1);
      expect(p.errors![0].field).toBe('value');
      expect(p.errors![0].message).toContain('EMI_POLL');
    }
    const yesNo = await expectProblem(await admin('PUT', '/parameters/OUTLOOK365', { value: 'maybe' }), 422);
    expect(yesNo.errors![0].message).toContain('OUTLOOK365');
  });

  it('names body fields that are missing, of the wrong type, or unknown', async () => {
    const missing = await expectProblem(await admin('PUT', '/parameters/EMI_POLL', {}), 422);
    expect(missing.errors!.map((e) => e.field)).toEqual(['value']);
    const wrongType = await expectProblem(await admin('PUT', '/parameters/EMI_POLL', { value: 5 }), 422);
    expect(wrongType.errors!.map((e) => e.field)).toEqual(['value']);
    const extra = await expectProblem(await admin('PUT', '/parameters/EMI_POLL', { value: '5', colour: 'blue' }), 422);
    expect(extra.errors!.map((e) => e.field)).toEqual(['colour']);
  });

  it('sets, reads back and clears a parameter, recording who changed it', async () => {
    const put = await admin('PUT', '/parameters/emi_poll', { value: '5' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ name: 'EMI_POLL', value: '5', effective: '5', updatedBy: 'token:admin-test' });
    expect(await (await officer('GET', '/parameters/EMI_POLL')).json()).toMatchObject({ value: '5' });
    expect(await (await admin('PUT', '/parameters/EMI_POLL', { value: null })).json()).toMatchObject({ value: null });
  });

  it('answers 404 for an unknown parameter and for an unknown API path', async () => {
    await expectProblem(await officer('GET', '/parameters/NO_SUCH_THING'), 404);
    await expectProblem(await admin('PUT', '/parameters/NO_SUCH_THING', { value: 'x' }), 404);
    await expectProblem(await officer('GET', '/nothing-here'), 404);
  });

  it('rejects a body that is not JSON with a 400 problem', async () => {
    const c = new WebClient(f.baseUrl);
    const res = await c.request('PUT', '/api/v1/parameters/EMI_POLL', { body: '{"value":', headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' } });
    await expectProblem(res, 400);
  });
});

describe('first reference values', () => {
  it('adds, lists, edits, deactivates and reactivates a value', async () => {
    const created = await admin('POST', '/frvs', { domain: 'EXCHANGE_INBOX', code: 'asb', description: 'Anti-social behaviour' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ domain: 'EXCHANGE_INBOX', code: 'ASB', description: 'Anti-social behaviour', active: true });

    await expectProblem(await admin('POST', '/frvs', { domain: 'EXCHANGE_INBOX', code: 'ASB', description: 'again' }), 409);
    const bad = await expectProblem(await admin('POST', '/frvs', { domain: 'NOPE', code: 'X', description: 'x' }), 422);
    expect(bad.errors![0].field).toBe('domain');

    expect(await (await officer('GET', '/frvs/EXCHANGE_INBOX')).json()).toEqual([{ domain: 'EXCHANGE_INBOX', code: 'ASB', description: 'Anti-social behaviour', active: true }]);
    expect(await (await admin('PATCH', '/frvs/EXCHANGE_INBOX/ASB', { description: 'ASB team inbox' })).json()).toMatchObject({ description: 'ASB team inbox' });
    expect(await (await admin('DELETE', '/frvs/EXCHANGE_INBOX/ASB')).json()).toMatchObject({ active: false });
    expect(await (await admin('PATCH', '/frvs/EXCHANGE_INBOX/ASB', { active: true })).json()).toMatchObject({ active: true });
    await expectProblem(await admin('PATCH', '/frvs/EXCHANGE_INBOX/ASB', {}), 422);
    await expectProblem(await admin('DELETE', '/frvs/EXCHANGE_INBOX/NOTHERE'), 404);
  });
});

describe('users and teams', () => {
  it('creates a user with a one-time password, a team, and manages membership', async () => {
    const res = await admin('POST', '/users', { username: 'bella', displayName: 'Bella Officer', role: 'officer' });
    expect(res.status).toBe(201);
    const { user, oneTimePassword } = await res.json();
    expect(user).toMatchObject({ username: 'bella', role: 'officer', mustChangePassword: true });
    expect(oneTimePassword).toEqual(expect.any(String));
    expect(JSON.stringify(await (await admin('GET', '/users')).json())).not.toMatch(/hash/i);

    const bad = await expectProblem(await admin('POST', '/users', { username: 'x', displayName: '', role: 'chief' }), 422);
    expect(bad.errors!.map((e) => e.field).sort()).toEqual(['role']);

    const team = await (await admin('POST', '/teams', { code: 'asb_team', name: 'ASB team' })).json();
    expect(team).toMatchObject({ code: 'ASB_TEAM', members: [] });
    expect((await admin('POST', `/teams/${team.id}/members/${user.id}`)).status).toBe(204);
    const teams = await (await officer('GET', '/teams')).json();
    expect(teams.find((t: { id: number }) => t.id === team.id).members).toEqual([{ id: user.id, username: 'bella', displayName: 'Bella Officer' }]);
    expect((await admin('DELETE', `/teams/${team.id}/members/${user.id}`)).status).toBe(204);
    await expectProblem(await admin('DELETE', `/teams/${team.id}/members/${user.id}`), 404);
    const badId = await expectProblem(await admin('POST', `/teams/abc/members/${user.id}`), 422);
    expect(badId.errors![0].field).toBe('id');
  });
});

describe('integration status and licence', () => {
  it('says exactly why no flow runs, and reports the licence', async () => {
    const before = await (await officer('GET', '/licence')).json();
    expect(before).toMatchObject({ valid: false, problem: expect.any(String) });
    await installLicence(f.t.ctx, { username: 'test' }, testLicence(f.t.licencePrivateKey));
    const licence = await (await officer('GET', '/licence')).json();
    expect(licence).toMatchObject({ valid: true, features: expect.arrayContaining(['OUTLOOK365']), customer: 'Test Housing Association' });
    expect(licence.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const status = await (await officer('GET', '/integration/status')).json();
    expect(status).toMatchObject({ outlook365: false, licensed: true });
    expect(status.flows).toHaveLength(4);
    for (const flow of status.flows) {
      expect(flow.running).toBe(false);
      expect(flow.reasons.join(' ')).toContain('OUTLOOK365');
    }
  });
});

describe('OpenAPI', () => {
  it('publishes an OpenAPI 3.1 document listing every route, with problem responses', async () => {
    const doc = await (await new WebClient(f.baseUrl).get('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) => Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        'GET /api/v1/parameters',
        'GET /api/v1/parameters/{name}',
        'PUT /api/v1/parameters/{name}',
        'GET /api/v1/frvs',
        'POST /api/v1/frvs',
        'GET /api/v1/frvs/{domain}',
        'PATCH /api/v1/frvs/{domain}/{code}',
        'DELETE /api/v1/frvs/{domain}/{code}',
        'GET /api/v1/users',
        'POST /api/v1/users',
        'GET /api/v1/teams',
        'POST /api/v1/teams',
        'POST /api/v1/teams/{id}/members/{userId}',
        'DELETE /api/v1/teams/{id}/members/{userId}',
        'GET /api/v1/integration/status',
        'GET /api/v1/licence',
      ]),
    );
    const put = doc.paths['/api/v1/parameters/{name}'].put;
    expect(put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SetParameter' });
    expect(put.responses['422'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(doc.components.schemas.SetParameter.properties.value).toBeDefined();
    expect(doc.components.schemas.Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status']));
    // Every reference resolves.
    for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []) {
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
  });

  it('renders the operations on /docs for signed-in users', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('oscar', f.officerPassword);
    const html = await (await c.get('/docs')).text();
    expect(html).toContain('/api/v1/parameters/{name}');
    expect(html).toContain('Set (or clear, with null) a system parameter');
  });
});
