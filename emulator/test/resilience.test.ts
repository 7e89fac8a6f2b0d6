// Throttling, fault injection and JSON batching, through the unmodified Graph SDK (its RetryHandler
// and batch helpers) and plain fetch where a client must see the raw failure.
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

const inboxPath = (u: string) => `/users/${u}/mailFolders/inbox/messages`;

describe('429 and the SDK RetryHandler', () => {
  it('succeeds after two injected 429s, the SDK honouring Retry-After', async () => {
    const rule = await h.admin('POST', '/faults', { routePattern: '^GET /v1\\.0/users/[^/]+/mailFolders/inbox/messages$', kind: '429', count: 2, retryAfter: 1 });
    expect(rule.status).toBe(201);
    const res = await graph.api(inboxPath(repairs)).get();
    expect(Array.isArray(res.value)).toBe(true);
    const log = await h.admin('GET', '/requests');
    const statuses = log.body.value.filter((e: any) => e.path.endsWith('/mailFolders/inbox/messages')).map((e: any) => e.status);
    expect(statuses).toEqual([429, 429, 200]);
    const faults = await h.admin('GET', '/faults');
    expect(faults.body.value[0]).toMatchObject({ fired: 2, count: 0 });
  });

  it('throttles an app per mailbox beyond the request budget with ApplicationThrottled and Retry-After', async () => {
    const h2 = await startHarness({ throttle: { requestsPerWindow: 3, windowMs: 60_000 } });
    try {
      const token = await h2.token();
      const get = (u: string) => h2.fetch(`${h2.emu.graphBaseUrl}${inboxPath(u)}`, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await get(asb)).status).toBe(200);
      const limited = await get(asb);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limited.json()) as any).error.code).toBe('ApplicationThrottled');
      expect((await get(repairs)).status).toBe(200); // another mailbox has its own budget
    } finally {
      await h2.stop();
    }
  });

  it('allows at most 4 concurrent requests per app and mailbox', async () => {
    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${repairs.replace(/\./g, '\\.')}/messages$`, kind: 'latency', latencyMs: 400 });
    const token = await h.token();
    const responses = await Promise.all(Array.from({ length: 6 }, () => h.fetch(`${h.emu.graphBaseUrl}/users/${repairs}/messages`, { headers: { authorization: `Bearer ${token}` } })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });
});

describe('socket-level faults', () => {
  it('accept-then-drop performs the request but never answers it', async () => {
    await h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/sendMail$', kind: 'accept-then-drop', count: 1 });
    const token = await h.token();
    const send = () => h.fetch(`${h.emu.graphBaseUrl}/users/${asb}/sendMail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: { subject: 'Dropped reply', body: { content: 'x' }, toRecipients: [{ emailAddress: { address: repairs } }] } }),
    });
    await expect(send()).rejects.toThrow();
    const got = await graph.api(inboxPath(repairs)).filter("subject eq 'Dropped reply'").get();
    expect(got.value).toHaveLength(1); // the send happened: a blind retry would send it twice
  });

  it('reset breaks the connection, and hang never answers within the client timeout', async () => {
    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${asb}$`, kind: 'reset', count: 1 });
    const token = await h.token();
    await expect(h.fetch(`${h.emu.graphBaseUrl}/users/${asb}`, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${asb}$`, kind: 'hang', count: 1 });
    await expect(h.fetch(`${h.emu.graphBaseUrl}/users/${asb}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await h.fetch(`${h.emu.graphBaseUrl}/users/${asb}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('answers an injected 503 with Graph error body and Retry-After as an HTTP date', async () => {
    await h.admin('POST', '/faults', { routePattern: '^GET /v1\\.0/users$', kind: '503', count: 1, retryAfter: 30, retryAfterAsDate: true });
    const token = await h.token();
    const res = await h.fetch(`${h.emu.graphBaseUrl}/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    const retryAt = Date.parse(res.headers.get('retry-after') ?? '');
    expect(retryAt).toBeGreaterThan(Date.now());
    expect(((await res.json()) as any).error.innerError['request-id']).toBe(res.headers.get('request-id'));
  });
});

describe('$batch', () => {
  it('runs a batch of 20 built with the SDK batch helpers', async () => {
    const steps = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      request: i % 2 === 0
        ? new Request(`${h.emu.graphBaseUrl}/users/${repairs}/mailFolders/inbox/messages?$top=1&$select=subject`, { method: 'GET' })
        : new Request(`${h.emu.graphBaseUrl}/users/${asb}/sendMail`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: { subject: `Batch ${i + 1}`, body: { content: 'b' }, toRecipients: [{ emailAddress: { address: repairs } }] } }) }),
    }));
    const content = await new BatchRequestContent(steps).getContent();
    const raw = await graph.api('/$batch').post(content);
    const responses = new BatchResponseContent(raw).getResponses();
    expect(responses.size).toBe(20);
    for (const [id, r] of responses) expect(r.status, `item ${id}`).toBe(Number(id) % 2 === 1 ? 200 : 202);
    const got = await graph.api(inboxPath(repairs)).filter("startswith(subject, 'Batch ')").top(50).get();
    expect(got.value).toHaveLength(10);
  });

  it('refuses more than 20 requests, answers 424 for a failed dependency and passes a per-item 429 with Retry-After', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${asb}` }));
    const e = await sdkError(graph.api('/$batch').post({ requests: many }));
    expect(e.statusCode).toBe(400);

    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${repairs}$`, kind: '429', count: 1, retryAfter: 7 });
    const res = await graph.api('/$batch').post({
      requests: [
        { id: 'a', method: 'GET', url: `/users/nobody@housingorganisation.co.uk/messages` },
        { id: 'b', method: 'GET', url: `/users/${asb}`, dependsOn: ['a'] },
        { id: 'c', method: 'GET', url: `/users/${repairs}` },
        { id: 'd', method: 'GET', url: `/users/${asb}?$select=displayName` },
      ],
    });
    const by = Object.fromEntries(res.responses.map((r: any) => [r.id, r]));
    expect(by.a.status).toBe(404);
    expect(by.a.body.error.code).toBe('ErrorInvalidUser');
    expect(by.b.status).toBe(424);
    expect(by.c.status).toBe(429);
    expect(by.c.headers['Retry-After']).toBe('7');
    expect(by.d).toMatchObject({ status: 200, body: { displayName: 'ASB Team' } });
  });
});
