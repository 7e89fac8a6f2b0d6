// The admin API: reset and seed, state dump, counters, the loopback-only rule's JSON errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, repairs, startHarness, sdkError, type Harness } from './helpers.ts';

let h: Harness;
let graph: ReturnType<Harness['graph']>;
beforeAll(async () => {
  h = await startHarness();
  graph = h.graph();
});
afterAll(() => h.stop());

describe('admin API', () => {
  it('resets to the seed keeping user ids, and refuses delta tokens from before the reset', async () => {
    const before = (await h.admin('GET', '/users')).body.value;
    await h.admin('POST', `/users/${asb}/messages`, { subject: 'Before reset' });
    const first = await graph.api(`/users/${asb}/mailFolders/inbox/messages/delta`).get();
    expect(first.value).toHaveLength(1);
    expect((await h.admin('POST', '/reset')).status).toBe(200);
    const after = (await h.admin('GET', '/users')).body.value;
    expect(after.map((u: any) => u.id).sort()).toEqual(before.map((u: any) => u.id).sort());
    expect((await graph.api(`/users/${asb}/mailFolders/inbox/messages`).get()).value).toEqual([]);
    const e = await sdkError(graph.api(first['@odata.deltaLink']).get());
    expect(e.statusCode).toBe(410);
  });

  it('replaces the tenant with a new seed and dumps the state', async () => {
    const seed = { tenant: { domain: 'housingorganisation.co.uk' }, users: [{ userPrincipalName: asb, displayName: 'ASB' }, { userPrincipalName: 'new@housingorganisation.co.uk' }], apps: [{ clientId: '0b7a1d7e-5a44-4d63-9d8e-5d1c8f2d7a01', clientSecret: 'emulator-secret-value', roles: ['Mail.ReadWrite', 'User.Read.All'] }] };
    expect((await h.admin('POST', '/seed', seed)).status).toBe(200);
    const state = (await h.admin('GET', '/state')).body;
    expect(Object.values(state.users).map((u: any) => u.userPrincipalName).sort()).toEqual([asb, 'new@housingorganisation.co.uk']);
    expect(state.tenant.id).toBe(h.emu.tenantId);
    const e = await sdkError(graph.api(`/users/${repairs}/messages`).get());
    expect(e.code).toBe('ErrorInvalidUser');
    expect((await h.admin('POST', '/seed', { users: [] })).status).toBe(400);
    expect((await h.admin('POST', '/reset')).status).toBe(200);
  });

  it('counts requests per route and mailbox, and answers unknown admin routes with a JSON 404', async () => {
    await h.admin('DELETE', '/requests');
    await graph.api(`/users/${asb}/mailFolders/inbox/messages`).get();
    await graph.api(`/users/${asb}/mailFolders/inbox/messages`).get();
    const counters = (await h.admin('GET', '/counters')).body;
    expect(counters.byRoute['GET /users/:user/mailFolders/:folder/messages']).toEqual({ count: 2, statuses: { 200: 2 } });
    const id = h.emu.state.users[Object.keys(h.emu.state.users).find((k) => h.emu.state.users[k].userPrincipalName === asb)!].id;
    expect(counters.byMailbox[id]).toBe(2);
    const missing = await h.admin('GET', '/no-such-route');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NotFound');
    const badFault = await h.admin('POST', '/faults', { kind: 'explode' });
    expect(badFault.status).toBe(400);
  });
});
