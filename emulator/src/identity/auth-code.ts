/** The authorization code flow: the sign-in page, the code (with PKCE), its redemption for tokens. */
import { createHash, randomBytes } from 'node:crypto';
import type { AppState, EmulatorState, UserState } from '../contracts.ts';
import { newGuid } from '../ids.ts';
import { findUser } from '../state.ts';
import { renderSignInPage, renderFormPost } from './signin-page.ts';
import { escapeHtml } from './html.ts';
import { aadError, json, type HttpResult, type IdentityDeps } from './responses.ts';

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

export function findApp(state: EmulatorState, clientId: string | null): AppState | undefined {
  if (!clientId) return undefined;
  return state.apps.find((a) => a.clientId === clientId);
}

export class AuthCodeFlow {
  private codes = new Map<string, AuthCode>();
  constructor(private d: IdentityDeps, private issuer: () => string) {}

  authorize(method: string, query: URLSearchParams, rawBody: Buffer, tenantSeg: string): HttpResult {
    const params = method === 'POST' ? new URLSearchParams(rawBody.toString('utf8')) : query;
    const clientId = params.get('client_id');
    const redirectUri = params.get('redirect_uri') ?? '';
    const app = findApp(this.d.state(), clientId);
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

  async redeem(form: URLSearchParams, app: AppState, tid: string): Promise<HttpResult> {
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
