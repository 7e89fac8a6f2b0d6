// Where Graph's documentation says it refuses, the emulator refuses with Graph's status and code, so
// housing365 cannot come to depend on leniency (issue 15 §7). Driven by msal-node and the Graph SDK.
// - message delta takes $select, $top, $expand, a receivedDateTime filter and `$orderby=receivedDateTime desc`
//   only (graph/api/message-delta);
// - event PATCH honours If-Match: a stale changeKey is refused 412 ErrorIrresolvableConflict (graph/api/event-update);
// - Outlook subscriptions last at most 10,080 minutes (resources/subscription, "Maximum length of
//   subscription per resource type": message, event, contact — under 7 days);
// - notificationUrl must be https (resources/subscription), http only in demo mode (notificationsAllowHttp);
// - a subscription needs the read permission (Mail.Read, Calendars.Read): "MS Graph Subscriptions will not be
//   able to support write access permissions where only read access privileges are needed" (subscription-post-subscriptions).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, repairs, startHarness, sdkError, type Harness } from './helpers.ts';

let h: Harness;
let graph: ReturnType<Harness['graph']>;
let receiver: http.Server;
let httpUrl: string;
beforeAll(async () => {
  h = await startHarness({ smtpPort: false });
  graph = h.graph();
  receiver = http.createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    res.writeHead(token === null ? 202 : 200, { 'content-type': 'text/plain' });
    res.end(token ?? '');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  httpUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  await h.stop();
});

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('message delta', () => {
  it('refuses $search with 400', async () => {
    const e = await sdkError(graph.api(`/users/${repairs}/mailFolders/inbox/messages/delta`).query({ $search: '"rent arrears"' }).get());
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('ErrorInvalidUrlQuery');
  });

  it('refuses an $orderby other than receivedDateTime desc, and takes that one', async () => {
    const e = await sdkError(graph.api(`/users/${repairs}/mailFolders/inbox/messages/delta`).orderby('subject').get());
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('ErrorInvalidUrlQuery');
    const asc = await sdkError(graph.api(`/users/${repairs}/mailFolders/inbox/messages/delta`).orderby('receivedDateTime asc').get());
    expect(asc.statusCode).toBe(400);
    const ok = await graph.api(`/users/${repairs}/mailFolders/inbox/messages/delta`).orderby('receivedDateTime desc').get();
    expect(ok['@odata.deltaLink'] ?? ok['@odata.nextLink']).toBeTruthy();
  });
});

describe('event PATCH with If-Match', () => {
  it('refuses a stale changeKey with 412 ErrorIrresolvableConflict and takes the current one', async () => {
    const ev = await graph.api(`/users/${asb}/events`).post({
      subject: 'Gas safety check',
      start: { dateTime: '2027-03-01T10:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2027-03-01T11:00:00', timeZone: 'GMT Standard Time' },
    });
    const staleEtag = ev['@odata.etag'];
    const moved = await graph.api(`/users/${asb}/events/${ev.id}`).header('If-Match', staleEtag).patch({ subject: 'Gas safety check (moved)' });
    expect(moved.changeKey).not.toBe(ev.changeKey);
    // The owner changed it meanwhile: our old etag no longer matches.
    const e = await sdkError(graph.api(`/users/${asb}/events/${ev.id}`).header('If-Match', staleEtag).patch({ subject: 'overwrite' }));
    expect(e.statusCode).toBe(412);
    expect(e.code).toBe('ErrorIrresolvableConflict');
    const now = await graph.api(`/users/${asb}/events/${ev.id}`).get();
    expect(now.subject).toBe('Gas safety check (moved)');
    // A bare changeKey and `*` match too.
    await graph.api(`/users/${asb}/events/${ev.id}`).header('If-Match', now.changeKey).patch({ subject: 'a' });
    await graph.api(`/users/${asb}/events/${ev.id}`).header('If-Match', '*').patch({ subject: 'b' });
  });
});

describe('subscriptions', () => {
  it('refuses an expiration past 10,080 minutes for mail and events', async () => {
    for (const resource of [`users/${repairs}/mailFolders('inbox')/messages`, `users/${asb}/events`]) {
      const e = await sdkError(graph.api('/subscriptions').post({ changeType: 'created', notificationUrl: 'https://example.org/hook', resource, expirationDateTime: inMinutes(10_080 + 10) }));
      expect(e.statusCode).toBe(400);
      expect(e.code).toBe('ExtensionError');
    }
  });

  it('refuses a subscription to an app that holds only the write permissions (Mail.ReadWrite), as Graph does', async () => {
    // The certificate app of the test tenant has Mail.Send, Mail.ReadWrite and User.Read.All, no Mail.Read.
    const writer = h.graph(() => h.token('certificate'));
    const e = await sdkError(writer.api('/subscriptions').post({ changeType: 'created', notificationUrl: 'https://example.org/hook', resource: `users/${repairs}/mailFolders('inbox')/messages`, expirationDateTime: inMinutes(60) }));
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe('ExtensionError');
  });

  it('refuses an http:// notificationUrl, even to loopback, when not in demo mode', async () => {
    const e = await sdkError(graph.api('/subscriptions').post({ changeType: 'created', notificationUrl: httpUrl, resource: `users/${repairs}/messages`, expirationDateTime: inMinutes(60) }));
    expect(e.statusCode).toBe(400);
    expect(e.message).toMatch(/HTTPS/);
  });

  it('takes an http:// notificationUrl in demo mode (notificationsAllowHttp)', async () => {
    const demo = await startHarness({ smtpPort: false, notificationsAllowHttp: true });
    try {
      const sub = await demo.graph().api('/subscriptions').post({ changeType: 'created', notificationUrl: httpUrl, resource: `users/${repairs}/messages`, expirationDateTime: inMinutes(60) });
      expect(sub.id).toBeTruthy();
    } finally {
      await demo.stop();
    }
  });
});
