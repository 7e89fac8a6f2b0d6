// Subscriptions and change notifications, driven by the unmodified Graph JS SDK; notifications are
// received by real local HTTP and HTTPS servers.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Client, GraphError as SdkGraphError } from '@microsoft/microsoft-graph-client';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, readOnlyAppId, repairs as upn, secretApp, startHarness, type Harness } from './helpers.ts';

/** An SDK client whose token is fetched from the token endpoint per request: these tests advance
 *  the emulator clock by hours, which expires access tokens as real time would (msal-node would
 *  keep serving its cached token by the wall clock). */
function sdkFor(clientId: string, secret: string): Client {
  const token = async () => {
    const res = await h.fetch(`${h.emu.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, client_secret: secret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  return h.graph(token);
}

interface Received {
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
}

/** A webhook receiver. `respond` decides each answer; validation requests are echoed by default. */
class Receiver {
  received: Received[] = [];
  respond: (r: Received, res: http.ServerResponse) => void = (_r, res) => {
    res.writeHead(202);
    res.end();
  };
  private server: http.Server | https.Server;
  private waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  constructor(tls?: { key: string; cert: string }) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const r: Received = { path: url.pathname, query: url.searchParams, contentType: String(req.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(r);
        const token = url.searchParams.get('validationToken');
        if (token !== null && this.echoValidation) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(token);
        } else {
          this.respond(r, res);
        }
        this.waiters = this.waiters.filter((w) => (w.pred(r) ? (w.resolve(r), false) : true));
      });
    };
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  }

  echoValidation = true;

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const scheme = this.server instanceof https.Server ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  next(pred: (r: Received) => boolean): Promise<Received> {
    const hit = this.received.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  notifications(): any[] {
    return this.received.filter((r) => !r.query.has('validationToken') && r.body).flatMap((r) => JSON.parse(r.body).value);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function selfSignedLocalhost(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

async function graphError(p: Promise<unknown>): Promise<SdkGraphError> {
  try {
    await p;
  } catch (e) {
    return e as SdkGraphError;
  }
  throw new Error('expected the request to fail');
}

let h: Harness;
let client: Client;
const receivers: Receiver[] = [];

async function receiver(tls?: { key: string; cert: string }): Promise<{ r: Receiver; url: string }> {
  const r = new Receiver(tls);
  receivers.push(r);
  return { r, url: await r.listen() };
}

const admin = (method: string, path: string, body?: unknown) => h.admin(method, path, body);

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

const event = (subject: string) => ({
  subject,
  start: { dateTime: '2026-07-01T10:00:00', timeZone: 'GMT Standard Time' },
  end: { dateTime: '2026-07-01T11:00:00', timeZone: 'GMT Standard Time' },
});

beforeAll(async () => {
  h = await startHarness({ smtpPort: false, notificationsAllowHttp: true });
  client = sdkFor(secretApp.clientId, secretApp.clientSecret);
  // Quick retries so the retry test runs in well under a second of backoff.
  expect((await admin('POST', '/subscriptions/config', { retryBaseMs: 50, retryMaxMs: 200 })).status).toBe(200);
});

afterAll(async () => {
  await h?.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

describe('creating a subscription', () => {
  it('validates the notification URL with a URL-encoded text/plain token, then notifies a created event with the clientState', async () => {
    const { r, url } = await receiver();
    const sub = await client.api('/subscriptions').post({
      changeType: 'created,updated', notificationUrl: `${url}/hook`, resource: `users/${upn}/events`,
      expirationDateTime: inMinutes(60), clientState: 'secret-client-state',
    });
    expect(sub).toMatchObject({ resource: `users/${upn}/events`, changeType: 'created,updated', clientState: 'secret-client-state', applicationId: secretApp.clientId });

    const validation = r.received.find((x) => x.query.has('validationToken'))!;
    expect(validation.path).toBe('/hook');
    expect(validation.contentType).toMatch(/^text\/plain/);
    expect(validation.query.get('validationToken')).toMatch(/^Validation: /);

    const created = await client.api(`/users/${upn}/events`).post(event('Notify me'));
    await r.next((x) => x.body.includes(created.id));
    const n = r.notifications().find((x) => x.resourceData.id === created.id);
    const user = await client.api(`/users/${upn}`).get().catch(() => undefined);
    expect(n).toMatchObject({
      subscriptionId: sub.id,
      changeType: 'created',
      clientState: 'secret-client-state',
      tenantId: h.emu.tenantId,
      resourceData: { '@odata.type': '#Microsoft.Graph.Event', id: created.id, '@odata.etag': `W/"${created.changeKey}"` },
    });
    expect(n.resource).toMatch(new RegExp(`^Users/${user?.id ?? '[^/]+'}/Events/${created.id}$`));
    expect(n.subscriptionExpirationDateTime).toBe(sub.expirationDateTime);
  });

  it('fails with ValidationError when the endpoint does not echo the token', async () => {
    const { r, url } = await receiver();
    r.echoValidation = false;
    r.respond = (_x, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('something else');
    };
    const err = await graphError(client.api('/subscriptions').post({
      changeType: 'created', notificationUrl: url, resource: `users/${upn}/events`, expirationDateTime: inMinutes(60), clientState: 'x',
    }));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('ValidationError');
    expect(err.message).toMatch(/Subscription validation request failed/);
  });

  it('limits expirationDateTime to 10,080 minutes for Outlook resources', async () => {
    const { url } = await receiver();
    const err = await graphError(client.api('/subscriptions').post({
      changeType: 'created', notificationUrl: url, resource: `users/${upn}/messages`, expirationDateTime: inMinutes(10_080 + 5),
    }));
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/10080 minutes/);
  });

  it('needs a role that can read the resource', async () => {
    const { url } = await receiver();
    const noMail = sdkFor(readOnlyAppId, 'read-only-secret');
    const err = await graphError(noMail.api('/subscriptions').post({
      changeType: 'created', notificationUrl: url, resource: `users/${upn}/mailFolders('inbox')/messages`, expirationDateTime: inMinutes(30),
    }));
    expect(err.statusCode).toBe(403);
  });

  it('renews with PATCH, lists only the app’s own subscriptions, and deletes', async () => {
    const { url } = await receiver();
    const sub = await client.api('/subscriptions').post({ changeType: 'deleted', notificationUrl: url, resource: `users/${upn}/events`, expirationDateTime: inMinutes(30) });
    const later = inMinutes(3 * 24 * 60);
    const renewed = await client.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime: later });
    expect(Date.parse(renewed.expirationDateTime)).toBe(Date.parse(later));
    const list = await client.api('/subscriptions').get();
    expect(list.value.map((s: { id: string }) => s.id)).toContain(sub.id);
    const other = sdkFor(readOnlyAppId, 'read-only-secret');
    expect((await other.api('/subscriptions').get()).value).toEqual([]);
    await client.api(`/subscriptions/${sub.id}`).delete();
    expect((await graphError(client.api(`/subscriptions/${sub.id}`).get())).statusCode).toBe(404);
  });
});

describe('delivery', () => {
  it('delivers to an https receiver with a self-signed certificate', async () => {
    const { r, url } = await receiver(selfSignedLocalhost());
    const sub = await client.api('/subscriptions').post({ changeType: 'updated', notificationUrl: url, resource: `users/${upn}/events`, expirationDateTime: inMinutes(60), clientState: 'tls' });
    const created = await client.api(`/users/${upn}/events`).post(event('TLS'));
    await client.api(`/users/${upn}/events/${created.id}`).patch({ subject: 'TLS updated' });
    const got = await r.next((x) => x.body.includes(created.id));
    const n = JSON.parse(got.body).value.find((x: { subscriptionId: string }) => x.subscriptionId === sub.id);
    expect(n).toMatchObject({ changeType: 'updated', clientState: 'tls' });
  });

  it('retries a failing receiver until it accepts', async () => {
    const { r, url } = await receiver();
    let failures = 0;
    r.respond = (_x, res) => {
      if (failures < 2) {
        failures++;
        res.writeHead(503);
        res.end();
        return;
      }
      res.writeHead(202);
      res.end();
    };
    const sub = await client.api('/subscriptions').post({ changeType: 'created', notificationUrl: url, resource: `users/${upn}/events`, expirationDateTime: inMinutes(60), clientState: 'retry' });
    const created = await client.api(`/users/${upn}/events`).post(event('Retry me'));
    const posts = () => r.received.filter((x) => x.body.includes(created.id));
    for (let i = 0; i < 200 && posts().length < 3; i++) await new Promise((res) => setTimeout(res, 25));
    expect(posts().length).toBe(3);
    // All three attempts carry the same notification.
    expect(new Set(posts().map((x) => JSON.parse(x.body).value[0].subscriptionId))).toEqual(new Set([sub.id]));
    const log = (await admin('GET', '/subscriptions/deliveries')).body.value.filter((d: { url: string; kind: string }) => d.url === url && d.kind === 'change');
    expect(log.map((d: { ok: boolean }) => d.ok)).toEqual([false, false, true]);
  });

  it('treats a receiver slower than the delivery timeout as failed and retries', async () => {
    // Graph's limit is 3 s; shrink it so the test stays quick.
    await admin('POST', '/subscriptions/config', { timeoutMs: 300 });
    try {
      const { r, url } = await receiver();
      let calls = 0;
      r.respond = (_x, res) => {
        calls++;
        setTimeout(() => {
          res.writeHead(202);
          res.end();
        }, calls === 1 ? 900 : 0);
      };
      await client.api('/subscriptions').post({ changeType: 'created', notificationUrl: url, resource: `users/${upn}/events`, expirationDateTime: inMinutes(60), clientState: 'slow' });
      const created = await client.api(`/users/${upn}/events`).post(event('Slow receiver'));
      const posts = () => r.received.filter((x) => x.body.includes(created.id));
      for (let i = 0; i < 200 && posts().length < 2; i++) await new Promise((res) => setTimeout(res, 25));
      expect(posts().length).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < 200; i++) {
        const log = (await admin('GET', '/subscriptions/deliveries')).body.value.filter((d: { url: string; kind: string }) => d.url === url && d.kind === 'change');
        if (log.some((d: { ok: boolean }) => d.ok)) {
          expect(log[0].ok).toBe(false);
          return;
        }
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error('no successful delivery recorded');
    } finally {
      await admin('POST', '/subscriptions/config', { timeoutMs: 3_000 });
    }
  });

  it('notifies a new message in the inbox folder subscription, with immutable ids when subscribed with Prefer: IdType="ImmutableId"', async () => {
    const { r, url } = await receiver();
    const sub = await client.api('/subscriptions').post({
      changeType: 'created,deleted', notificationUrl: url, resource: `users/${upn}/mailFolders('inbox')/messages`, expirationDateTime: inMinutes(60), clientState: 'mail',
    });
    const immutableSub = await client.api('/subscriptions').header('Prefer', 'IdType="ImmutableId"').post({
      changeType: 'created', notificationUrl: url, resource: `users/${upn}/messages`, expirationDateTime: inMinutes(60), clientState: 'mail-immutable',
    });
    await client.api(`/users/${asb}/sendMail`).post({
      message: { subject: 'Leak at flat 3', body: { contentType: 'Text', content: 'Water coming through the ceiling.' }, toRecipients: [{ emailAddress: { address: upn } }] },
    });
    await r.next((x) => x.body.includes(sub.id));
    await r.next((x) => x.body.includes(immutableSub.id));
    const all = r.notifications();
    const n = all.find((x) => x.subscriptionId === sub.id);
    expect(n).toMatchObject({ changeType: 'created', clientState: 'mail', resourceData: { '@odata.type': '#Microsoft.Graph.Message' } });
    const msg = await client.api(`/users/${upn}/messages/${n.resourceData.id}`).get();
    expect(msg.subject).toBe('Leak at flat 3');
    const m = all.find((x) => x.subscriptionId === immutableSub.id);
    const asImmutable = await client.api(`/users/${upn}/messages/${n.resourceData.id}`).header('Prefer', 'IdType="ImmutableId"').get();
    expect(m.resourceData.id).toBe(asImmutable.id);
    expect(m.resourceData.id).not.toBe(n.resourceData.id);
    expect(m.resource.endsWith(`/Messages/${asImmutable.id}`)).toBe(true);

    // Deleting moves the message to Deleted Items (its regular id changes); the inbox
    // subscription's `deleted` notification still names the id the app was told about.
    await client.api(`/users/${upn}/messages/${n.resourceData.id}`).delete();
    const gone = await r.next((x) => x.body.includes('"deleted"') && x.body.includes(sub.id));
    expect(JSON.parse(gone.body).value.find((x: { subscriptionId: string }) => x.subscriptionId === sub.id).resourceData.id).toBe(n.resourceData.id);
  });
});

describe('lifecycle notifications', () => {
  it('delivers missed, reauthorizationRequired and subscriptionRemoved to the lifecycle URL', async () => {
    const { r, url } = await receiver();
    const sub = await client.api('/subscriptions').post({
      changeType: 'created', notificationUrl: `${url}/changes`, lifecycleNotificationUrl: `${url}/lifecycle`,
      resource: `users/${upn}/events`, expirationDateTime: inMinutes(60), clientState: 'life',
    });
    // Both URLs went through the validation handshake.
    expect(r.received.filter((x) => x.query.has('validationToken')).map((x) => x.path).sort()).toEqual(['/changes', '/lifecycle']);

    expect((await admin('POST', `/subscriptions/${sub.id}/lifecycle`, { event: 'missed' })).status).toBe(202);
    const missed = await r.next((x) => x.path === '/lifecycle' && x.body.includes('"missed"'));
    expect(JSON.parse(missed.body).value[0]).toEqual({
      subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId: h.emu.tenantId, clientState: 'life', lifecycleEvent: 'missed',
    });

    // reauthorizationRequired with pause: changes made before the app reauthorizes are lost.
    await admin('POST', `/subscriptions/${sub.id}/lifecycle`, { event: 'reauthorizationRequired', pause: true });
    await r.next((x) => x.path === '/lifecycle' && x.body.includes('reauthorizationRequired'));
    const lost = await client.api(`/users/${upn}/events`).post(event('While paused'));
    await client.api(`/subscriptions/${sub.id}/reauthorize`).post({});
    const seen = await client.api(`/users/${upn}/events`).post(event('After reauthorize'));
    await r.next((x) => x.path === '/changes' && x.body.includes(seen.id));
    expect(r.received.some((x) => x.body.includes(lost.id))).toBe(false);

    await admin('POST', `/subscriptions/${sub.id}/lifecycle`, { event: 'subscriptionRemoved' });
    await r.next((x) => x.path === '/lifecycle' && x.body.includes('subscriptionRemoved'));
    expect((await graphError(client.api(`/subscriptions/${sub.id}`).get())).statusCode).toBe(404);
  });

  it('sends missed when notifications could not be delivered within the retry window', async () => {
    const { r, url } = await receiver();
    r.respond = (x, res) => {
      res.writeHead(x.path === '/lifecycle' ? 202 : 500);
      res.end();
    };
    const sub = await client.api('/subscriptions').post({
      changeType: 'created', notificationUrl: `${url}/changes`, lifecycleNotificationUrl: `${url}/lifecycle`,
      resource: `users/${upn}/events`, expirationDateTime: inMinutes(7 * 24 * 60), clientState: 'gone',
    });
    const created = await client.api(`/users/${upn}/events`).post(event('Never delivered'));
    await r.next((x) => x.path === '/changes' && x.body.includes(created.id));
    // Four hours later (emulator clock) Graph has given up.
    expect((await admin('POST', '/clock', { advanceMs: 4 * 60 * 60 * 1000 + 60_000 })).status).toBeLessThan(300);
    const missed = await r.next((x) => x.path === '/lifecycle' && x.body.includes('"missed"'));
    expect(JSON.parse(missed.body).value[0]).toMatchObject({ subscriptionId: sub.id, lifecycleEvent: 'missed', clientState: 'gone' });
  });

  it('expires a subscription that is not renewed, by the emulator clock', async () => {
    const { url } = await receiver();
    const sub = await client.api('/subscriptions').post({ changeType: 'created', notificationUrl: url, resource: `users/${upn}/events`, expirationDateTime: inMinutes(24 * 60) });
    await admin('POST', '/clock', { advanceMs: 25 * 60 * 60 * 1000 });
    expect((await graphError(client.api(`/subscriptions/${sub.id}`).get())).statusCode).toBe(404);
  });
});
