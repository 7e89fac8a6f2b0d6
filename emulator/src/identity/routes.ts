/**
 * The identity platform endpoints msal-node and OpenID Connect clients call:
 *   /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/v2.0/keys,
 *   /{tenant}/oauth2/v2.0/token, /{tenant}/oauth2/v2.0/authorize, /common/discovery/instance.
 * Errors follow https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
import { createHash, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { AppState, EmulatorState, UserState } from '../contracts.ts';
import { newGuid } from '../ids.ts';
import { findUser } from '../state.ts';
import type { TokenService } from './tokens.ts';
import { renderSignInPage, renderFormPost } from './signin-page.ts';
import { escapeHtml } from './html.ts';

export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface IdentityDeps {
  state(): EmulatorState;
  origin: string;
  tokens: TokenService;
  nowMs(): number;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  nonce?: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
}

const json = (status: number, body: unknown, extra: Record<string, string> = {}): HttpResult => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache', ...extra },
  body: JSON.stringify(body),
});

function aadError(status: number, error: string, code: number, message: string): HttpResult {
  const traceId = newGuid();
  const correlationId = newGuid();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

export class Identity {
  private codes = new Map<string, AuthCode>();
  constructor(private d: IdentityDeps) {}

  /** Tenant segment → tenant id, or undefined when it names another tenant. */
  private tenantOf(segment: string): string | undefined {
    const t = this.d.state().tenant;
    const s = segment.toLowerCase();
    if (s === t.id.toLowerCase() || s === t.domain.toLowerCase() || s === 'common' || s === 'organizations') return t.id;
    return undefined;
  }

  issuer(): string {
    return `${this.d.origin}/${this.d.state().tenant.id}/v2.0`;
  }

  async handle(method: string, pathname: string, query: URLSearchParams, rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<HttpResult | undefined> {
    if (pathname === '/oidc/userinfo') return this.userinfo(headers);
    const parts = pathname.split('/').filter(Boolean);
    if (parts.length < 2) return undefined;
    const [tenantSeg, ...rest] = parts;
    const sub = rest.join('/').toLowerCase();
    const known = ['v2.0/.well-known/openid-configuration', '.well-known/openid-configuration', 'discovery/v2.0/keys', 'discovery/keys', 'oauth2/v2.0/token', 'oauth2/token', 'oauth2/v2.0/authorize', 'discovery/instance', 'oauth2/v2.0/logout'];
    if (!known.includes(sub)) return undefined;
    if (sub === 'discovery/instance') return this.instanceDiscovery(query);
    const tid = this.tenantOf(tenantSeg);
    if (!tid) return aadError(400, 'invalid_request', 90002, `Tenant '${tenantSeg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const generic = ['common', 'organizations'].includes(tenantSeg.toLowerCase());
    switch (sub) {
      case 'v2.0/.well-known/openid-configuration':
      case '.well-known/openid-configuration':
        return json(200, this.metadata(tenantSeg, generic));
      case 'discovery/v2.0/keys':
      case 'discovery/keys':
        return json(200, await this.d.tokens.jwks(this.issuer()));
      case 'oauth2/v2.0/token':
      case 'oauth2/token':
        if (method !== 'POST') return aadError(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests. Received a GET request.');
        return this.token(new URLSearchParams(rawBody.toString('utf8')), headers, tid);
      case 'oauth2/v2.0/authorize':
        return this.authorize(method, query, rawBody, tenantSeg);
      case 'oauth2/v2.0/logout': {
        const to = query.get('post_logout_redirect_uri');
        return to ? { status: 302, headers: { location: to } } : { status: 200, headers: { 'content-type': 'text/html' }, body: '<p>Signed out.</p>' };
      }
    }
    return undefined;
  }

  private metadata(tenantSeg: string, generic: boolean): Record<string, unknown> {
    const base = `${this.d.origin}/${tenantSeg}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: generic ? `${this.d.origin}/{tenantid}/v2.0` : this.issuer(),
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.d.origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email', 'oid', 'groups'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'localhost',
      cloud_graph_host_name: 'localhost',
      msgraph_host: new URL(this.d.origin).host,
      code_challenge_methods_supported: ['plain', 'S256'],
    };
  }

  private instanceDiscovery(query: URLSearchParams): HttpResult {
    const host = new URL(this.d.origin).host;
    return json(200, {
      tenant_discovery_endpoint: `${this.d.origin}/${this.d.state().tenant.id}/v2.0/.well-known/openid-configuration`,
      'api-version': query.get('api-version') ?? '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }

  /** https://learn.microsoft.com/entra/identity-platform/userinfo — needs a delegated token. */
  private async userinfo(headers: Record<string, string | string[] | undefined>): Promise<HttpResult> {
    const auth = typeof headers.authorization === 'string' ? headers.authorization.replace(/^bearer\s+/i, '').trim() : '';
    const unauthorized = (m: string) => json(401, { error: { code: 'InvalidAuthenticationToken', message: m } }, { 'www-authenticate': 'Bearer' });
    if (!auth) return unauthorized('Access token is empty.');
    let claims;
    try {
      claims = await this.d.tokens.verifyAccessToken(auth);
    } catch (e) {
      return unauthorized((e as Error).message);
    }
    const user = claims.scp ? this.d.state().users[claims.oid ?? ''] : undefined;
    if (!user) return unauthorized('The userinfo endpoint needs a token issued to a signed-in user.');
    return json(200, {
      sub: pairwiseSub(user.id, claims.appid),
      name: user.displayName,
      family_name: user.surname,
      given_name: user.givenName,
      email: user.mail,
    });
  }

  private findApp(clientId: string | null): AppState | undefined {
    if (!clientId) return undefined;
    return this.d.state().apps.find((a) => a.clientId === clientId);
  }

  private async token(form: URLSearchParams, headers: Record<string, string | string[] | undefined>, tid: string): Promise<HttpResult> {
    const state = this.d.state();
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    const basic = typeof headers.authorization === 'string' && headers.authorization.startsWith('Basic ') ? Buffer.from(headers.authorization.slice(6), 'base64').toString() : undefined;
    if (basic) {
      const i = basic.indexOf(':');
      clientId = decodeURIComponent(basic.slice(0, i));
      clientSecret = decodeURIComponent(basic.slice(i + 1));
    }
    const grant = form.get('grant_type');
    if (!grant) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (grant !== 'client_credentials' && grant !== 'authorization_code') {
      return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
    }
    if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = this.findApp(clientId);
    if (!app) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${state.tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    // client authentication
    let viaCert = false;
    const assertion = form.get('client_assertion');
    if (assertion) {
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        return aadError(400, 'invalid_request', 50027, "The value of 'client_assertion_type' is invalid; expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
      }
      const err = await this.checkAssertion(app, assertion, tid);
      if (err) return err;
      viaCert = true;
    } else if (clientSecret !== null && clientSecret !== undefined) {
      if (!app.clientSecret || clientSecret !== app.clientSecret) {
        return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
      }
    } else if (grant === 'client_credentials') {
      return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    if (grant === 'client_credentials') {
      const scope = (form.get('scope') ?? '').trim();
      if (!scope) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
      const scopes = scope.split(/\s+/);
      const graphDefault = scopes.filter((s) => s !== 'openid' && s !== 'profile' && s !== 'offline_access');
      if (graphDefault.length !== 1 || !/^(https:\/\/graph\.microsoft\.com|00000003-0000-0000-c000-000000000000)\/\.default$/i.test(graphDefault[0])) {
        return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      }
      const access = await this.d.tokens.appToken(app, tid, viaCert);
      return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
    }
    return this.redeemCode(form, app, tid);
  }

  private async checkAssertion(app: AppState, assertion: string, tid: string): Promise<HttpResult | undefined> {
    if (!app.certificatePem) {
      return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. The application '${app.clientId}' has no certificate credentials registered.`);
    }
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    } catch {
      return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
    }
    const cert = new X509Certificate(app.certificatePem);
    const sha1 = createHash('sha1').update(cert.raw).digest('base64url');
    const sha256 = createHash('sha256').update(cert.raw).digest('base64url');
    const t1 = typeof header.x5t === 'string' ? header.x5t.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : undefined;
    const t256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : undefined;
    if (!(t1 === sha1 || t256 === sha256)) {
      return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${t256 ?? t1 ?? ''}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`);
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(assertion, createPublicKey(app.certificatePem), { algorithms: ['RS256', 'PS256'], currentDate: new Date(this.d.nowMs()), clockTolerance: 300 }));
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_JWT_EXPIRED') return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
      return aadError(401, 'invalid_client', 7000274, 'Key was found, but use of the key to verify the signature failed.');
    }
    if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
      return aadError(401, 'invalid_client', 700021, 'Client assertion application identifier doesn\'t match \'client_id\' parameter.');
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const okAud = aud.some((a) => typeof a === 'string' && (a.toLowerCase().startsWith(this.d.origin.toLowerCase() + '/') && /\/oauth2\/(v2\.0\/)?token$/i.test(a) || a === this.issuer()));
    if (!okAud) return aadError(401, 'invalid_client', 50013, `Assertion failed signature validation. [Reason - The audience '${String(payload.aud)}' in the client assertion does not match the token endpoint of tenant '${tid}'.]`);
    return undefined;
  }

  private authorize(method: string, query: URLSearchParams, rawBody: Buffer, tenantSeg: string): HttpResult {
    const params = method === 'POST' ? new URLSearchParams(rawBody.toString('utf8')) : query;
    const clientId = params.get('client_id');
    const redirectUri = params.get('redirect_uri') ?? '';
    const app = this.findApp(clientId);
    const html = (status: number, body: string): HttpResult => ({ status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body });
    if (!app) return html(400, `<h1>Sign in error</h1><p>AADSTS700016: Application with identifier '${escapeHtml(clientId ?? '')}' was not found in the directory.</p>`);
    if (!redirectUri) return html(400, '<h1>Sign in error</h1><p>AADSTS900144: The request body must contain the following parameter: \'redirect_uri\'.</p>');
    if (app.redirectUris && app.redirectUris.length && !app.redirectUris.includes(redirectUri)) {
      return html(400, `<h1>Sign in error</h1><p>AADSTS50011: The redirect URI '${escapeHtml(redirectUri)}' specified in the request does not match the redirect URIs configured for the application '${escapeHtml(app.clientId)}'.</p>`);
    }
    if (params.get('response_type') && !params.get('response_type')!.split(' ').includes('code')) {
      return html(400, "<h1>Sign in error</h1><p>AADSTS700054: response_type 'id_token' is not enabled for the application.</p>");
    }
    const users = Object.values(this.d.state().users);
    const passthrough = ['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'login_hint', 'prompt'];
    const hidden: Record<string, string> = {};
    for (const k of passthrough) {
      const v = params.get(k);
      if (v !== null) hidden[k] = v;
    }
    if (method !== 'POST' || !params.get('login')) {
      return html(200, renderSignInPage({ action: `/${tenantSeg}/oauth2/v2.0/authorize`, hidden, users, loginHint: params.get('login_hint') ?? undefined }));
    }
    const user = findUser(this.d.state(), params.get('login') ?? '');
    const password = params.get('password') ?? '';
    if (!user || (user.password !== undefined && user.password !== password)) {
      return html(200, renderSignInPage({ action: `/${tenantSeg}/oauth2/v2.0/authorize`, hidden, users, loginHint: params.get('login') ?? undefined, error: user ? 'Your account or password is incorrect.' : "We couldn't find an account with that username." }));
    }
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      clientId: app.clientId,
      redirectUri,
      userId: user.id,
      nonce: params.get('nonce') ?? undefined,
      scope: params.get('scope') ?? 'openid',
      codeChallenge: params.get('code_challenge') ?? undefined,
      codeChallengeMethod: params.get('code_challenge_method') ?? undefined,
      expiresAt: this.d.nowMs() + 10 * 60_000,
    });
    const out: Record<string, string> = { code };
    const st = params.get('state');
    if (st !== null) out.state = st;
    out.session_state = newGuid();
    if (params.get('response_mode') === 'form_post') return html(200, renderFormPost(redirectUri, out));
    const u = new URL(redirectUri);
    for (const [k, v] of Object.entries(out)) u.searchParams.set(k, v);
    return { status: 302, headers: { location: u.toString() } };
  }

  private async redeemCode(form: URLSearchParams, app: AppState, tid: string): Promise<HttpResult> {
    const code = form.get('code') ?? '';
    const entry = this.codes.get(code);
    if (!entry || entry.clientId !== app.clientId || entry.expiresAt < this.d.nowMs()) {
      return aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
    }
    if (form.get('redirect_uri') !== entry.redirectUri) {
      return aadError(400, 'invalid_grant', 70001, 'The redirect URI in the token request does not match the one used to get the authorization code.');
    }
    if (entry.codeChallenge) {
      const verifier = form.get('code_verifier') ?? '';
      const computed = entry.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (computed !== entry.codeChallenge) return aadError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    this.codes.delete(code);
    const user = this.d.state().users[entry.userId];
    if (!user) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
    const idToken = await this.d.tokens.idToken(idTokenClaims(user, app, tid, this.issuer(), entry.nonce));
    const scopes = entry.scope.split(/\s+/).filter((s) => !['openid', 'profile', 'email', 'offline_access'].includes(s));
    const access = await this.d.tokens.delegatedToken(app, user, tid, scopes.map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//, '')).join(' ') || 'User.Read');
    return json(200, {
      token_type: 'Bearer',
      scope: entry.scope,
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: access,
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tid })).toString('base64url'),
    });
  }
}

export function idTokenClaims(user: UserState, app: AppState, tid: string, issuer: string, nonce?: string): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: issuer,
    aud: app.clientId,
    sub: pairwiseSub(user.id, app.clientId),
    oid: user.id,
    tid,
    preferred_username: user.userPrincipalName,
    name: user.displayName,
    email: user.mail,
    uti: newGuid().replace(/-/g, ''),
  };
  if (nonce) claims.nonce = nonce;
  if (user.groups?.length) claims.groups = user.groups;
  return claims;
}

/** `sub` is pairwise: the same user has a different subject in each app. */
export function pairwiseSub(userId: string, clientId: string): string {
  return createHash('sha256').update(`${userId}|${clientId}`).digest('base64url').slice(0, 43);
}

