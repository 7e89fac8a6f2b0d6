// JSON batching as Graph documents it (https://learn.microsoft.com/graph/json-batching): at most 20
// requests (more is a 400 with Graph's error body), ids unique and not case sensitive, dependsOn
// decides the order (whatever the order in the payload), each item answers with its own status,
// a request whose dependency failed answers 424 Failed Dependency (transitively, and when the
// dependency was throttled), and a throttled item carries its own 429 and Retry-After — driven through
// the Graph SDK's BatchRequestContent / BatchResponseContent and raw `api('/$batch').post`.
import { BatchRequestContent, BatchResponseContent } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asb, repairs, startHarness, sdkError, type Harness } from './helpers.ts';

let h: Harness;
let graph: ReturnType<Harness['graph']>;
beforeAll(async () => {
  h = await startHarness();
  graph = h.graph();
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.admin('DELETE', '/faults');
  await h.admin('DELETE', '/requests');
});

const byId = (res: { responses: { id: string }[] }) => Object.fromEntries(res.responses.map((r: any) => [r.id, r])) as Record<string, any>;

describe('$batch conformance', () => {
  it('runs a request after the one it dependsOn, even when it comes first in the payload (SDK addDependency)', async () => {
    const subject = `Batch order ${Date.now()}`;
    const read = { id: 'read', request: new Request(`${h.emu.graphBaseUrl}/users/${asb}/messages?$filter=${encodeURIComponent(`subject eq '${subject}'`)}&$select=subject`, { method: 'GET' }) };
    const make = { id: 'make', request: new Request(`${h.emu.graphBaseUrl}/users/${asb}/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subject, body: { contentType: 'text', content: 'x' } }) }) };
    const content = new BatchRequestContent([read, make]);
    content.addDependency('read', 'make');
    const payload = await content.getContent();
    expect(payload.requests.map((r: { id: string }) => r.id)).toEqual(['read', 'make']);
    const responses = new BatchResponseContent(await graph.api('/$batch').post(payload)).getResponses();
    expect(responses.get('make')!.status).toBe(201);
    expect(responses.get('read')!.status).toBe(200);
    expect(((await responses.get('read')!.json()) as { value: { subject: string }[] }).value.map((m) => m.subject)).toEqual([subject]);
  });

  it('answers 424 to every request whose dependency failed, transitively, and to one that depends on a throttled request', async () => {
    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${repairs.replace(/\./g, '\\.')}$`, kind: '429', count: 1, retryAfter: 9 });
    const res = await graph.api('/$batch').post({
      requests: [
        { id: 'c', method: 'GET', url: `/users/${asb}`, dependsOn: ['b'] },
        { id: 'b', method: 'GET', url: `/users/${asb}`, dependsOn: ['a'] },
        { id: 'a', method: 'GET', url: `/users/nobody@housingorganisation.co.uk` },
        { id: 't', method: 'GET', url: `/users/${repairs}` },
        { id: 'u', method: 'GET', url: `/users/${asb}`, dependsOn: ['t'] },
        { id: 'ok', method: 'GET', url: `/users/${asb}?$select=displayName` },
      ],
    });
    const by = byId(res);
    // Every item answers, in the payload's order.
    expect(res.responses.map((r: { id: string }) => r.id)).toEqual(['c', 'b', 'a', 't', 'u', 'ok']);
    expect(by.a.status).toBe(404);
    expect(by.b).toMatchObject({ status: 424, body: { error: { code: 'FailedDependency' } } });
    expect(by.c.status).toBe(424);
    expect(by.t.status).toBe(429);
    expect(by.t.headers['Retry-After']).toBe('9');
    expect(by.t.body.error.code).toBeTruthy();
    expect(by.u.status).toBe(424);
    expect(by.ok).toMatchObject({ status: 200, body: { displayName: 'ASB Team' } });
    // Failed dependencies are never run: only a, t and ok reached the mailbox pipeline.
    const log = (await h.admin('GET', '/requests')).body.value as { batch?: boolean }[];
    expect(log.filter((e) => e.batch)).toHaveLength(3);
  });

  it('takes ids as not case sensitive: a repeated id in another case is a 400, and dependsOn may name either case', async () => {
    const dup = await sdkError(graph.api('/$batch').post({ requests: [{ id: 'A', method: 'GET', url: `/users/${asb}` }, { id: 'a', method: 'GET', url: `/users/${asb}` }] }));
    expect(dup.statusCode).toBe(400);
    const res = await graph.api('/$batch').post({ requests: [{ id: 'Two', method: 'GET', url: `/users/${asb}`, dependsOn: ['ONE'] }, { id: 'one', method: 'GET', url: `/users/${asb}` }] });
    expect(byId(res).Two.status).toBe(200);
    expect(byId(res).one.status).toBe(200);
  });

  it('refuses more than 20 requests, an unknown or cyclic dependsOn and a malformed one with 400 and Graph\'s error body', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${asb}` }));
    expect((await graph.api('/$batch').post({ requests: twenty })).responses).toHaveLength(20);
    for (const requests of [
      [...twenty, { id: '20', method: 'GET', url: `/users/${asb}` }],
      [{ id: '1', method: 'GET', url: `/users/${asb}`, dependsOn: ['9'] }],
      [{ id: '1', method: 'GET', url: `/users/${asb}`, dependsOn: ['2'] }, { id: '2', method: 'GET', url: `/users/${asb}`, dependsOn: ['1'] }],
      [{ id: '1', method: 'GET', url: `/users/${asb}`, dependsOn: 'x' }],
    ]) {
      const e = await sdkError(graph.api('/$batch').post({ requests }));
      expect(e.statusCode, JSON.stringify(requests).slice(0, 80)).toBe(400);
      expect(e.code).toBe('BadRequest');
    }
    // Nothing of a refused batch ran.
    const log = (await h.admin('GET', '/requests')).body.value as { batch?: boolean }[];
    expect(log.filter((e) => e.batch)).toHaveLength(20);
  });
});
