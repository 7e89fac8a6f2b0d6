// The identity platform, driven by the unmodified @azure/msal-node (secret and certificate) and by
// a browser-style authorization-code + PKCE exchange.
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, certAppId, lettings, readOnlyAppId, secretApp, startHarness, sdkError, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('client credentials', () => {
  it('issues an app-only Graph token to msal-node with a client secret', async () => {
    const claims = decodeJwt(await h.token('secret'));
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims.tid).toBe(h.emu.tenantId);
    expect(claims.appid).toBe(secretApp.clientId);
    expect(claims.roles).toEqual(expect.arrayContaining(['Mail.Send', 'Mail.ReadWrite']));
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);
  });

  it('issues a token to msal-node with a certificate assertion, checked against the registered certificate', async () => {
    const claims = decodeJwt(await h.token('certificate'));
    expect(claims.appid).toBe(certAppId);
    expect(claims.appidacr).toBe('2');
    const users = await h.graph(() => h.token('certificate')).api(`/users/${asb}`).get();
    expect(users.userPrincipalName).toBe(asb);
  });

  it('refuses an assertion signed by a key other than the registered certificate', async () => {
    const { makeAppCertificate, CaNetworkClient } = await import('./helpers.ts');
    const { ConfidentialClientApplication } = await import('@azure/msal-node');
    const other = makeAppCertificate();
    const cca = new ConfidentialClientApplication({
      auth: { clientId: certAppId, authority: h.emu.authority, knownAuthorities: [`localhost:${h.emu.port}`], clientCertificate: { thumbprintSha256: other.thumbprintSha256, privateKey: other.keyPem } },
      system: { networkClient: new CaNetworkClient(h.emu.caCertPem) },
    });
    const e = (await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }).catch((x) => x)) as { errorCode: string; errorMessage: string };
    expect(e.errorCode).toBe('invalid_client');
    expect(e.errorMessage).toMatch(/AADSTS700027/);
  });

  it('answers a wrong secret with invalid_client and AADSTS7000215, in the real body shape', async () => {
    const res = await h.fetch(`${h.emu.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: secretApp.clientId, client_secret: 'wrong', scope: 'https://graph.microsoft.com/.default' }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    expect(body.error_codes).toEqual([7000215]);
    for (const k of ['timestamp', 'trace_id', 'correlation_id']) expect(body[k]).toBeTruthy();
  });

  it('answers a scope without /.default with invalid_scope and an unknown app with unauthorized_client', async () => {
    const post = (form: Record<string, string>) => h.fetch(`${h.emu.authority}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(form) });
    const badScope = await post({ grant_type: 'client_credentials', client_id: secretApp.clientId, client_secret: secretApp.clientSecret, scope: 'Mail.Read' });
    expect(badScope.status).toBe(400);
    expect(((await badScope.json()) as { error: string }).error).toBe('invalid_scope');
    const unknown = await post({ grant_type: 'client_credentials', client_id: 'no-such-app', client_secret: 'x', scope: 'https://graph.microsoft.com/.default' });
    expect(unknown.status).toBe(400);
    const b = (await unknown.json()) as { error: string; error_description: string };
    expect(b.error).toBe('unauthorized_client');
    expect(b.error_description).toMatch(/AADSTS700016/);
  });
});

describe('Graph token and role checks', () => {
  it('answers a call without a token with 401 InvalidAuthenticationToken and Graph error body', async () => {
    const res = await h.fetch(`${h.emu.graphBaseUrl}/users/${asb}/messages`, { headers: { 'client-request-id': 'abc-123' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('request-id')).toBeTruthy();
    expect(res.headers.get('client-request-id')).toBe('abc-123');
    const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['client-request-id']).toBe('abc-123');
    expect(body.error.innerError['request-id']).toBe(res.headers.get('request-id'));
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('answers a mail call from an app without mail roles with 403 ErrorAccessDenied', async () => {
    const res = await h.fetch(`${h.emu.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: readOnlyAppId, client_secret: 'read-only-secret', scope: 'https://graph.microsoft.com/.default' }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const client = h.graph(async () => access_token);
    const e = await sdkError(client.api(`/users/${asb}/mailFolders/inbox/messages`).get());
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe('ErrorAccessDenied');
    expect((await client.api(`/users/${asb}`).get()).displayName).toBe('ASB Team');
  });

  it('rejects an expired token once the admin clock moves past its expiry', async () => {
    const h2 = await startHarness();
    try {
      const token = await h2.token();
      await h2.admin('POST', '/clock', { advanceMs: 2 * 3600_000 });
      const e = await sdkError(h2.graph(async () => token).api(`/users/${asb}`).get());
      expect(e.statusCode).toBe(401);
      expect(e.message).toMatch(/expired/);
    } finally {
      await h2.stop();
    }
  });
});

describe('authorization code flow', () => {
  it('signs a seeded user in and issues an id_token with the documented claims (PKCE checked)', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://localhost:3000/auth/callback';
    const q = new URLSearchParams({ client_id: secretApp.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile email', state: 'st4te', nonce: 'n0nce', code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await h.fetch(`${h.emu.authority}/oauth2/v2.0/authorize?${q}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(lettings);

    const wrong = await h.fetch(`${h.emu.authority}/oauth2/v2.0/authorize`, { method: 'POST', body: new URLSearchParams({ ...Object.fromEntries(q), login: lettings, password: 'nope' }), redirect: 'manual' });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('incorrect');

    const signIn = await h.fetch(`${h.emu.authority}/oauth2/v2.0/authorize`, { method: 'POST', body: new URLSearchParams({ ...Object.fromEntries(q), login: lettings, password: 'letmein' }), redirect: 'manual' });
    expect(signIn.status).toBe(302);
    const back = new URL(signIn.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code')!;

    const redeem = (v: string) => h.fetch(`${h.emu.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: secretApp.clientId, client_secret: secretApp.clientSecret, code, redirect_uri: redirectUri, code_verifier: v }),
    });
    expect((await redeem('not-the-verifier')).status).toBe(400);
    const res = await redeem(verifier);
    expect(res.status).toBe(200);
    const { id_token, access_token } = (await res.json()) as { id_token: string; access_token: string };
    const claims = decodeJwt(id_token);
    const meta = (await (await h.fetch(`${h.emu.authority}/v2.0/.well-known/openid-configuration`)).json()) as { userinfo_endpoint: string };
    const info = (await (await h.fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${access_token}` } })).json()) as Record<string, string>;
    expect(info).toMatchObject({ sub: claims.sub, email: lettings, name: 'Lettings' });
    expect(claims.iss).toBe(`${h.emu.authority}/v2.0`);
    expect(claims.aud).toBe(secretApp.clientId);
    expect(claims.preferred_username).toBe(lettings);
    expect(claims.nonce).toBe('n0nce');
    expect(claims.tid).toBe(h.emu.tenantId);
    expect(claims.groups).toEqual(['housing-officers']);
    expect(claims.oid).toBe(h.emu.state.users[String(claims.oid)].id);
    expect((await redeem(verifier)).status).toBe(400); // codes are single-use
  });

  it('refuses a redirect_uri the app did not register', async () => {
    const q = new URLSearchParams({ client_id: secretApp.clientId, response_type: 'code', redirect_uri: 'https://evil.example/cb', scope: 'openid' });
    const res = await h.fetch(`${h.emu.authority}/oauth2/v2.0/authorize?${q}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('AADSTS50011');
  });
});
