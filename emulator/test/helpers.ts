/**
 * Test harness for the core conformance suite: an emulator per file, the official clients wired to
 * trust its CA (msal-node through `system.networkClient`, the Graph SDK through a fetch dispatcher),
 * and small admin helpers. The clients themselves are unmodified.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import forge from 'node-forge';
import { Agent } from 'undici';
import { startEmulator, type Emulator } from '../src/index.ts';

export const domain = 'housingorganisation.co.uk';
export const asb = `asb@${domain}`;
export const repairs = `repairs@${domain}`;
export const lettings = `lettings@${domain}`;
export const secretApp = { clientId: '0b7a1d7e-5a44-4d63-9d8e-5d1c8f2d7a01', clientSecret: 'emulator-secret-value' };
export const certAppId = '0b7a1d7e-5a44-4d63-9d8e-5d1c8f2d7a02';
export const readOnlyAppId = '0b7a1d7e-5a44-4d63-9d8e-5d1c8f2d7a03';

/** A self-signed certificate for the certificate-credential app (as `New-SelfSignedCertificate` makes). */
export function makeAppCertificate(): { certPem: string; keyPem: string; thumbprintSha256: string; thumbprint: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600e3);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600e3);
  cert.setSubject([{ name: 'commonName', value: 'housing365 test app' }]);
  cert.setIssuer([{ name: 'commonName', value: 'housing365 test app' }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return {
    certPem,
    keyPem: privateKey,
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
  };
}

export const appCert = makeAppCertificate();

export function testSeed() {
  return {
    tenant: { id: 'c0ffee00-0000-4000-8000-000000000365', domain },
    users: [
      { userPrincipalName: asb, displayName: 'ASB Team', sendAs: [`noreply@${domain}`] },
      { userPrincipalName: repairs, displayName: 'Repairs Team' },
      { userPrincipalName: lettings, displayName: 'Lettings', password: 'letmein', groups: ['housing-officers'] },
    ],
    apps: [
      { ...secretApp, roles: ['Mail.Send', 'Mail.ReadWrite', 'Mail.Read', 'Calendars.ReadWrite', 'Calendars.Read', 'User.Read.All'], redirectUris: ['http://localhost:3000/auth/callback'] },
      { clientId: certAppId, certificatePem: appCert.certPem, roles: ['Mail.Send', 'Mail.ReadWrite', 'User.Read.All'] },
      { clientId: readOnlyAppId, clientSecret: 'read-only-secret', roles: ['User.Read.All'] },
    ],
  };
}

/** msal-node's network module contract over node:https, trusting the emulator CA. */
export class CaNetworkClient implements INetworkModule {
  constructor(private ca: string) {}
  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.request<T>('GET', url, options, timeout);
  }
  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.request<T>('POST', url, options);
  }
  private request<T>(method: string, url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, headers: options?.headers, ca: this.ca, timeout }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ headers, body: body as T, status: res.statusCode ?? 0 });
        });
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end(options?.body);
    });
  }
}

export interface Harness {
  emu: Emulator;
  dispatcher: Agent;
  msal(kind: 'secret' | 'certificate', clientId?: string): ConfidentialClientApplication;
  token(kind?: 'secret' | 'certificate'): Promise<string>;
  graph(getToken?: () => Promise<string>): Client;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** fetch that trusts the emulator CA. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startHarness(options: Parameters<typeof startEmulator>[0] = {}): Promise<Harness> {
  const emu = await startEmulator({ seed: testSeed(), quiet: true, ...options });
  const dispatcher = new Agent({ connect: { ca: emu.caCertPem } });
  const network = new CaNetworkClient(emu.caCertPem);
  const knownAuthorities = [`localhost:${emu.port}`];
  const msal = (kind: 'secret' | 'certificate', clientId?: string) =>
    new ConfidentialClientApplication({
      auth:
        kind === 'secret'
          ? { clientId: clientId ?? secretApp.clientId, authority: emu.authority, clientSecret: secretApp.clientSecret, knownAuthorities }
          : { clientId: clientId ?? certAppId, authority: emu.authority, clientCertificate: { thumbprintSha256: appCert.thumbprintSha256, privateKey: appCert.keyPem }, knownAuthorities },
      system: { networkClient: network },
    });
  const clients = { secret: msal('secret'), certificate: msal('certificate') };
  const token = async (kind: 'secret' | 'certificate' = 'secret') => {
    const r = await clients[kind].acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    if (!r?.accessToken) throw new Error('no token');
    return r.accessToken;
  };
  const tlsFetch = (url: string, init: RequestInit = {}) => fetch(url, { ...init, dispatcher } as RequestInit);
  return {
    emu,
    dispatcher,
    msal,
    token,
    graph: (getToken = () => token('secret')) =>
      Client.initWithMiddleware({
        authProvider: { getAccessToken: getToken },
        baseUrl: `${emu.origin}/`,
        customHosts: new Set(['localhost']),
        fetchOptions: { dispatcher } as never,
      }),
    async admin(method, path, body) {
      const res = await tlsFetch(`${emu.adminUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    fetch: tlsFetch,
    async stop() {
      await emu.stop();
      await dispatcher.close();
    },
  };
}

export async function sdkError(p: Promise<unknown>): Promise<{ statusCode: number; code: string; message: string; headers?: Headers; body?: string }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the call to fail');
}
