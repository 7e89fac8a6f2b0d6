/**
 * App-only tokens for Graph with @azure/msal-node (client-credentials flow), from a client secret
 * or a certificate. msal caches the token and refreshes it before expiry.
 *
 * The identity platform is reached through our own `networkClient` so an extra CA (GRAPH_CA_FILE:
 * the emulator's, or a corporate TLS-inspecting proxy's) is trusted for these calls only — never
 * through NODE_TLS_REJECT_UNAUTHORIZED or another process-wide switch.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, type Configuration, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { fetch, type Dispatcher } from 'undici';
import { GraphAuthFailed, GraphTransient } from './errors.ts';

export interface AppCredentials {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM file holding the private key and the certificate registered on the app. */
  certificatePath?: string;
  /** e.g. `https://login.microsoftonline.com` (or the emulator's `https://localhost:PORT`). */
  authorityHost: string;
  /** Graph base URL: its origin names the token's resource (`https://graph.microsoft.com/.default`). */
  graphBaseUrl: string;
}

export interface TokenSource {
  token(force?: boolean): Promise<string>;
  describe(): { authority: string; credential: 'secret' | 'certificate' };
}

const publicClouds = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn']);

/** The `.default` scope of the Graph resource. A local emulator stands in for the public Graph. */
export function graphScope(graphBaseUrl: string): string {
  const u = new URL(graphBaseUrl);
  const local = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '::1';
  return `${local ? 'https://graph.microsoft.com' : u.origin}/.default`;
}

/** Splits a PEM bundle into its private key and certificate; thumbprint as msal wants it (hex, SHA-256). */
export function readCertificateBundle(pem: string): { privateKey: string; certificatePem: string; thumbprintSha256: string; x5c: string } {
  const key = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!key) throw new GraphAuthFailed('AZURE_CLIENT_CERTIFICATE_PATH holds no private key (expected a PEM "PRIVATE KEY" block)', 'certificate');
  if (!cert) throw new GraphAuthFailed('AZURE_CLIENT_CERTIFICATE_PATH holds no certificate (expected a PEM "CERTIFICATE" block beside the key)', 'certificate');
  const x509 = new X509Certificate(cert);
  return { privateKey: key, certificatePem: cert, thumbprintSha256: x509.fingerprint256.replace(/:/g, ''), x5c: cert };
}

/** msal's network module over undici with our dispatcher (the one that trusts GRAPH_CA_FILE). */
export function msalNetworkClient(dispatcher?: Dispatcher, timeoutMs = 30_000): INetworkModule {
  const call = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    const res = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? options?.body : undefined,
      dispatcher,
      signal: AbortSignal.timeout(timeout ?? timeoutMs),
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: 'invalid_response', error_description: text.slice(0, 200) };
    }
    return { headers, body: body as T, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => call('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => call('POST', url, options),
  };
}

export function createTokenSource(creds: AppCredentials, dispatcher?: Dispatcher): TokenSource {
  const host = creds.authorityHost.replace(/\/+$/, '');
  const authority = `${host}/${creds.tenantId}`;
  let credential: 'secret' | 'certificate';
  let auth: Configuration['auth'];
  const authorityHostname = new URL(host).host;
  const custom = !publicClouds.has(new URL(host).hostname);
  const base = {
    clientId: creds.clientId,
    authority,
    // A host msal does not know (the emulator, a private cloud) must be declared, and instance
    // discovery against Microsoft's public endpoint skipped.
    ...(custom ? { knownAuthorities: [authorityHostname] } : {}),
  };
  if (creds.certificatePath) {
    const bundle = readCertificateBundle(readFileSync(creds.certificatePath, 'utf8'));
    auth = { ...base, clientCertificate: { thumbprintSha256: bundle.thumbprintSha256, privateKey: bundle.privateKey, x5c: bundle.x5c } };
    credential = 'certificate';
  } else if (creds.clientSecret) {
    auth = { ...base, clientSecret: creds.clientSecret };
    credential = 'secret';
  } else {
    throw new GraphAuthFailed('no credential: set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH', 'config');
  }
  const app = new ConfidentialClientApplication({ auth, system: { networkClient: msalNetworkClient(dispatcher) } });
  const scopes = [graphScope(creds.graphBaseUrl)];
  return {
    describe: () => ({ authority, credential }),
    async token(force = false) {
      try {
        const r = await app.acquireTokenByClientCredential({ scopes, skipCache: force });
        if (!r?.accessToken) throw new GraphAuthFailed('the identity platform returned no access token', 'no_token');
        return r.accessToken;
      } catch (err) {
        if (err instanceof GraphAuthFailed) throw err;
        const e = err as { errorCode?: string; errorMessage?: string; message?: string; name?: string };
        const code = e.errorCode ?? '';
        // Network trouble reaching the identity platform is transient; a refused credential is not.
        if (/network|timeout|ECONN|ENOTFOUND|fetch failed|endpoints_resolution/i.test(`${code} ${e.message}`)) {
          throw new GraphTransient(`identity platform unreachable at ${authority}: ${e.errorMessage ?? e.message}`, code || 'network');
        }
        throw new GraphAuthFailed(`token refused by ${authority}: ${(e.errorMessage ?? e.message ?? String(err)).split('\n')[0]}`, code || 'auth');
      }
    },
  };
}

/** The app roles (application permissions) in an access token, read without verifying it (diagnostics only). */
export function tokenRoles(accessToken: string): { roles: string[]; expiresAt?: Date } {
  try {
    const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return { roles: Array.isArray(payload.roles) ? payload.roles : [], expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined };
  } catch {
    return { roles: [] };
  }
}
