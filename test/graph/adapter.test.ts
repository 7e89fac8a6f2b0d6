// The Graph adapter against the emulator over HTTPS: tokens (secret and certificate), drafts and
// send, the marker lookup, upload sessions, delta paging, error translation, throttling and faults.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphAuthFailed, GraphCursorExpired, GraphNotFound, GraphPermissionMissing, GraphTransient } from '../../src/app/ports/graph-errors.ts';
import { batch } from '../../src/adapters/graph/paging.ts';
import { makeAppCertificate } from '../../emulator/test/helpers.ts';
import { demoMailboxes, startHarness, type Harness } from './harness.ts';

let h: Harness;
const { noreply, asb, complaints } = demoMailboxes;
const officer = demoMailboxes.officers[0];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});
afterEach(async () => {
  await h.admin('DELETE', '/faults');
});

async function collect<T>(it: AsyncIterable<{ changes: T[]; cursor: string; complete: boolean }>) {
  const pages: { changes: T[]; cursor: string; complete: boolean }[] = [];
  for await (const p of it) pages.push(p);
  return pages;
}

describe('tokens', () => {
  it('gets an app token with a client secret and reads the roles in it', async () => {
    const g = h.gateway();
    const t = await g.checkToken();
    expect(t.roles).toEqual(expect.arrayContaining(['Mail.Send', 'Mail.ReadWrite', 'Calendars.ReadWrite']));
    expect(t.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('gets an app token with a certificate (PEM key + certificate in one file)', async () => {
    const cert = makeAppCertificate();
    // A second emulator whose tenant also registers an app with this certificate.
    const seed = (await import('../../src/adapters/graph/demo-tenant.ts')).demoSeed();
    seed.apps.push({ clientId: '3f6b8e1a-7c2d-4e59-a0b4-365d0e0000c1', certificatePem: cert.certPem, roles: ['Mail.Send'] } as any);
    const other = await startHarness(seed);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'h365-cert-'));
      const path = join(dir, 'app.pem');
      writeFileSync(path, `${cert.keyPem}\n${cert.certPem}`);
      const g = other.gateway({ clientId: '3f6b8e1a-7c2d-4e59-a0b4-365d0e0000c1', clientSecret: undefined, certificatePath: path });
      expect((await g.checkToken()).roles).toEqual(['Mail.Send']);
    } finally {
      await other.stop();
    }
  });

  it('reports a refused secret as GraphAuthFailed', async () => {
    const g = h.gateway({ clientSecret: 'wrong' });
    await expect(g.checkToken()).rejects.toBeInstanceOf(GraphAuthFailed);
    await expect(g.mail.findByMarker(noreply, 'x')).rejects.toBeInstanceOf(GraphAuthFailed);
  });
});

describe('sending', () => {
  it('creates a marked draft, sends it, and finds the sent copy by the marker', async () => {
    const g = h.gateway();
    const draft = await g.mail.createDraft(noreply, { subject: 'Your appointment', html: '<p>See you</p>', to: [{ address: asb, name: 'ASB' }] }, 'outbox-1');
    expect(await g.mail.findByMarker(noreply, 'outbox-1')).toMatchObject({ id: draft.id, isDraft: true });
    await g.mail.sendDraft(noreply, draft.id);
    const found = await g.mail.findByMarker(noreply, 'outbox-1');
    // Same id after the move from Drafts to Sent Items: Prefer: IdType="ImmutableId" is on every call.
    expect(found).toMatchObject({ id: draft.id, isDraft: false });
    expect(found!.internetMessageId).toMatch(/@/);
    const inbox = await h.messages(asb);
    expect(inbox.filter((m) => m.subject === 'Your appointment')).toHaveLength(1);
    expect(await g.mail.findByMarker(noreply, 'outbox-unknown')).toBeUndefined();
  });

  it('sends a 5 MB attachment through an upload session and a small one inline', async () => {
    const g = h.gateway();
    const big = Buffer.alloc(5 * 1024 * 1024 + 123, 7);
    const small = Buffer.from('%PDF-1.4 small');
    const before = g.stats.requests;
    const draft = await g.mail.createDraft(
      noreply,
      { subject: 'Big file', text: 'attached', to: [{ address: complaints }], attachments: [{ name: 'plan.pdf', contentType: 'application/pdf', content: big }, { name: 'note.pdf', contentType: 'application/pdf', content: small }] },
      'outbox-big',
    );
    await g.mail.sendDraft(noreply, draft.id);
    // create + createUploadSession + 2 chunks (2.8 MB each) + send
    expect(g.stats.requests - before).toBe(5);
    const got = (await h.messages(complaints)).find((m) => m.subject === 'Big file')!;
    expect(got.attachments!.map((a) => [a.name, a.size]).sort()).toEqual([['note.pdf', small.length], ['plan.pdf', big.length]]);
  });

  it('a send whose answer is lost surfaces as GraphTransient, and the marker shows it went', async () => {
    const g = h.gateway();
    const draft = await g.mail.createDraft(noreply, { subject: 'Lost answer', text: 'x', to: [{ address: asb }] }, 'outbox-lost');
    await h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/messages/[^/]+/send$', kind: 'accept-then-drop', count: 1 });
    await expect(g.mail.sendDraft(noreply, draft.id)).rejects.toBeInstanceOf(GraphTransient);
    expect(await g.mail.findByMarker(noreply, 'outbox-lost')).toMatchObject({ isDraft: false });
    expect((await h.messages(asb)).filter((m) => m.subject === 'Lost answer')).toHaveLength(1);
  });
});

describe('retries and throttling', () => {
  it('honours Retry-After on 429 and succeeds', async () => {
    const g = h.gateway();
    await h.admin('POST', '/faults', { routePattern: '^GET /v1\\.0/users/[^/]+/messages$', kind: '429', count: 2, retryAfter: 0 });
    expect(await g.mail.findByMarker(noreply, 'nothing')).toBeUndefined();
    expect(g.stats.throttled).toBe(2);
    expect(g.stats.retries).toBe(2);
  });

  it('retries a GET through 503s with backoff, but never repeats a POST that may have been done', async () => {
    const g = h.gateway();
    await h.admin('POST', '/faults', { routePattern: '^GET /v1\\.0/users/[^/]+/messages$', kind: '503', count: 2 });
    expect(await g.mail.findByMarker(noreply, 'nothing')).toBeUndefined();
    expect(g.stats.retries).toBe(2);
    await h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/messages$', kind: '500', count: 1 });
    await expect(g.mail.createDraft(noreply, { subject: 's', text: 't', to: [{ address: asb }] }, 'm500')).rejects.toBeInstanceOf(GraphTransient);
    expect(g.stats.retries).toBe(2);
  });

  it('times out a request that never answers', async () => {
    const g = h.gateway({ transport: { timeoutMs: 300, maxRetries: 1 } });
    await h.admin('POST', '/faults', { routePattern: '^GET /v1\\.0/users/[^/]+$', kind: 'hang', count: 2 });
    const err = await g.directory.findUser(asb).catch((e) => e);
    expect(err).toBeInstanceOf(GraphTransient);
    expect(err.graphCode).toBe('timeout');
  });

  it('keeps at most 4 requests in flight per mailbox, so the mailbox limit is never hit', async () => {
    const g = h.gateway();
    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${officer.replace(/\./g, '\\.')}/messages$`, kind: 'latency', latencyMs: 100 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => g.mail.findByMarker(officer, `c${i}`)));
    expect(g.stats.throttled).toBe(0);
    expect(g.stats.requests).toBe(12);
  });
});

describe('reading', () => {
  it('pages an inbox delta, resumes from the cursor, and reports an expired cursor', async () => {
    const g = h.gateway();
    const mbox = demoMailboxes.officers[1];
    for (let i = 0; i < 5; i++) await h.admin('POST', `/users/${mbox}/messages`, { subject: `hello ${i}`, body: { contentType: 'html', content: `<b>${i}</b>` } });
    const pages = await collect(g.mail.messageDelta(mbox, 'inbox', undefined, { pageSize: 2 }));
    expect(pages.map((p) => p.changes.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.complete)).toEqual([false, false, true]);
    const first = pages[0].changes[0];
    expect(first.kind).toBe('upsert');
    if (first.kind === 'upsert') expect(first.message).toMatchObject({ subject: expect.stringMatching(/^hello/), body: { kind: 'html' }, isRead: false });

    // Resume half-way from a saved nextLink: the remaining pages only.
    const resumed = await collect(g.mail.messageDelta(mbox, 'inbox', pages[0].cursor, { pageSize: 2 }));
    expect(resumed.flatMap((p) => p.changes)).toHaveLength(3);

    await h.admin('POST', `/users/${mbox}/messages`, { subject: 'later' });
    const next = await collect(g.mail.messageDelta(mbox, 'inbox', pages.at(-1)!.cursor));
    expect(next.flatMap((p) => p.changes).map((c) => (c.kind === 'upsert' ? c.message.subject : c.id))).toEqual(['later']);

    await h.admin('POST', '/delta/expire', { user: mbox });
    await expect(collect(g.mail.messageDelta(mbox, 'inbox', next.at(-1)!.cursor))).rejects.toBeInstanceOf(GraphCursorExpired);
  });

  it('streams an attachment and translates not-found and missing permissions', async () => {
    const g = h.gateway();
    const bytes = Buffer.from('PNG-ish bytes '.repeat(1000));
    const created = await h.admin('POST', `/users/${asb}/messages`, { subject: 'with file', attachments: [{ name: 'photo.png', contentType: 'image/png', contentBytes: bytes.toString('base64') }] });
    const id = created.body.id;
    const [att] = await g.mail.listAttachments(asb, id);
    expect(att).toMatchObject({ name: 'photo.png', size: bytes.length, kind: 'file' });
    const chunks: Buffer[] = [];
    for await (const c of await g.mail.openAttachment(asb, id, att.id)) chunks.push(Buffer.from(c));
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    let mime = '';
    for await (const c of await g.mail.getMessageMime(asb, id)) mime += Buffer.from(c).toString('utf8');
    expect(mime).toMatch(/^Subject: with file/m);

    await expect(g.mail.getMessage(asb, 'AAMkAGno-such-message')).rejects.toBeInstanceOf(GraphNotFound);
    expect(await g.directory.findUser('nobody@housingorganisation.co.uk')).toBeUndefined();
  });

  it('runs more than 20 requests through $batch in chunks of 20', async () => {
    const g = h.gateway();
    const items = Array.from({ length: 23 }, () => ({ method: 'GET' as const, url: `/users/${asb}` }));
    const before = g.stats.requests;
    const out = await batch(g.transport, items);
    expect(out.every((r) => r.ok)).toBe(true);
    expect(g.stats.requests - before).toBe(2);
  });
});

describe('$batch with throttled items', () => {
  it('sends the items answered 429 again in a later batch, after their Retry-After', async () => {
    const g = h.gateway();
    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${complaints.replace(/\./g, '\\.')}$`, kind: '429', count: 3, retryAfter: 1 });
    const items = Array.from({ length: 10 }, (_, i) => ({ method: 'GET' as const, url: `/users/${i % 2 ? asb : complaints}` }));
    const before = g.stats.requests;
    const sleeps: number[] = [];
    const out = await batch(g.transport, items, { sleep: async (ms) => void sleeps.push(ms) });
    expect(out.every((r) => r.ok)).toBe(true);
    expect(out.map((r) => (r.ok ? r.body.userPrincipalName : ''))).toEqual(items.map((it) => it.url.slice('/users/'.length)));
    expect(g.stats.requests - before).toBe(2); // the first batch, then one with the 3 throttled items
    expect(sleeps).toEqual([1000]);
  });

  it('retries a single throttled sub-request of a batch of 20 on its own, with its Retry-After, and the others once', async () => {
    const g = h.gateway();
    await h.admin('DELETE', '/requests');
    await h.admin('POST', '/faults', { routePattern: `^GET /v1\\.0/users/${officer.replace(/\./g, '\\.')}$`, kind: '429', count: 1, retryAfter: 4 });
    const items = Array.from({ length: 20 }, (_, i) => ({ method: 'GET' as const, url: `/users/${i === 13 ? officer : asb}` }));
    const before = g.stats.requests;
    const sleeps: number[] = [];
    const out = await batch(g.transport, items, { sleep: async (ms) => void sleeps.push(ms) });
    expect(out.every((r) => r.ok)).toBe(true);
    expect(out[13].ok && out[13].body.userPrincipalName).toBe(officer);
    expect(g.stats.requests - before).toBe(2);
    expect(sleeps).toEqual([4000]);
    // The emulator ran 20 sub-requests, then only the throttled one again.
    const log = (await h.admin('GET', '/requests')).body.value as { batch?: boolean; path: string; status: number }[];
    const subRequests = log.filter((e) => e.batch);
    expect(subRequests).toHaveLength(21);
    expect(subRequests.filter((e) => e.path.endsWith(officer)).map((e) => e.status)).toEqual([429, 200]);
  });
});

describe('permissions', () => {
  it('reports a missing application permission as GraphPermissionMissing', async () => {
    const seed = (await import('../../src/adapters/graph/demo-tenant.ts')).demoSeed();
    seed.apps[0].roles = ['User.Read.All'];
    const other = await startHarness(seed);
    try {
      await expect(other.gateway().mail.sendDraft(noreply, 'x')).rejects.toBeInstanceOf(GraphPermissionMissing);
    } finally {
      await other.stop();
    }
  });
});
