/**
 * The identity platform endpoints msal-node and OpenID Connect clients call:
 *   /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/v2.0/keys,
 *   /{tenant}/oauth2/v2.0/token, /{tenant}/oauth2/v2.0/authorize, /common/discovery/instance.
 * Errors follow https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
import { aadError, json, type HttpResult, type IdentityDeps } from './responses.ts';
import { checkClientAssertion } from './client-assertion.ts';
import { AuthCodeFlow, findApp, pairwiseSub } from './auth-code.ts';

export type { HttpResult, IdentityDeps } from './responses.ts';

export class Identity {
  private readonly flow: AuthCodeFlow;
  constructor(private d: IdentityDeps) {
    this.flow = new AuthCodeFlow(d, () => this.issuer());
  }

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
        return this.flow.authorize(method, query, rawBody, tenantSeg);
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
    const app = findApp(state, clientId);
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
      const err = await checkClientAssertion(this.d, this.issuer(), app, assertion, tid);
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
    return this.flow.redeem(form, app, tid);
  }



}
