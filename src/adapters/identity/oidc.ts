import * as oidc from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';

// OpenID Connect authorisation code + PKCE against Microsoft Entra ID (or the emulator's identity
// platform, which serves the same metadata over HTTPS). openid-client does the protocol checks: issuer,
// audience, signature from JWKS, nonce, state, PKCE. Nothing of Entra's leaves this module but claims.

export interface OidcSettings {
  /** e.g. https://login.microsoftonline.com/{tenant}/v2.0 */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Extra CA to trust (the emulator's); never a process-wide switch. */
  caPem?: string;
}

export interface StaffClaims {
  oid: string;
  tid?: string;
  username: string;
  email?: string;
  name: string;
  groups: string[];
}

export interface OidcSignIn {
  start(redirectUri: string): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }>;
  finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<StaffClaims>;
}

export async function createOidcSignIn(settings: OidcSettings): Promise<OidcSignIn> {
  const agent = settings.caPem ? new Agent({ connect: { ca: settings.caPem } }) : undefined;
  const customFetch = agent
    ? ((url: string, options: object) => undiciFetch(url, { ...(options as object), dispatcher: agent }) as unknown as Promise<Response>)
    : undefined;
  const options = customFetch ? { [oidc.customFetch]: customFetch } : undefined;
  const config = await oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, options as never);
  if (customFetch) config[oidc.customFetch] = customFetch as never;

  return {
    async start(redirectUri) {
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, nonce, codeVerifier };
    },
    async finish(callbackUrl, expected) {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      const c = tokens.claims();
      if (!c) throw new Error('the identity provider returned no ID token');
      const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
      const oid = str(c.oid) ?? str(c.sub);
      const username = str(c.preferred_username) ?? str(c.email) ?? oid;
      if (!oid || !username) throw new Error('the ID token names no user (no oid/sub or preferred_username)');
      return {
        oid,
        tid: str(c.tid),
        username,
        email: str(c.email) ?? (username.includes('@') ? username : undefined),
        name: str(c.name) ?? username,
        groups: Array.isArray(c.groups) ? c.groups.filter((g): g is string => typeof g === 'string') : [],
      };
    },
  };
}
